import { hasRole, hasScopes } from '../../platform/auth/access.guard.js';
import type { RoleRequirement } from '../../platform/auth/auth.decorators.js';
import type { Principal, Scope, TeamContext } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';

export type PredictAction = 'run' | 'status' | 'result' | 'logs' | 'cancel';

/** What each predict action needs: the same scope and role as its REST route (the OpenAPI description: roles and runs). */
export const PREDICT_ACCESS: Record<PredictAction, { scope: Scope; role: RoleRequirement }> = {
  run: { scope: 'run', role: 'operator' },
  cancel: { scope: 'run', role: 'operator' },
  status: { scope: 'status', role: 'viewer' },
  result: { scope: 'result', role: 'viewer' },
  logs: { scope: 'logs', role: 'viewer' },
};

/** The route-level check, for a route whose requirement depends on its body. Scope first, as the AccessGuard does. */
export function assertAccess(principal: Principal, team: TeamContext, action: PredictAction): void {
  const need = PREDICT_ACCESS[action];
  if (!hasScopes(principal, [need.scope])) throw new ApiError('insufficient_scope', `This key lacks the scope: ${need.scope}`);
  if (!hasRole(principal, team, need.role)) throw new ApiError('insufficient_role', `This action needs the ${need.role} role`);
}
