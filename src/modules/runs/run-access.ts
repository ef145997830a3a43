import { assertAccess as assertPolicy } from '../../platform/auth/access.js';
import type { RoleRequirement } from '../../platform/auth/auth.decorators.js';
import type { Principal, Scope, TeamContext } from '../../platform/auth/principal.js';

export type PredictAction = 'run' | 'status' | 'result' | 'logs' | 'cancel';

/** What each predict action needs: the same scope and role as its REST route (the OpenAPI description: roles and runs). */
export const PREDICT_ACCESS: Record<PredictAction, { scope: Scope; role: RoleRequirement }> = {
  run: { scope: 'run', role: 'operator' },
  cancel: { scope: 'run', role: 'operator' },
  status: { scope: 'status', role: 'viewer' },
  result: { scope: 'result', role: 'viewer' },
  logs: { scope: 'logs', role: 'viewer' },
};

/** The route-level check, for a route whose requirement depends on its body: the AccessGuard's policy, applied to the action. */
export function assertAccess(principal: Principal, team: TeamContext, action: PredictAction): void {
  const need = PREDICT_ACCESS[action];
  assertPolicy(principal, team, { scopes: [need.scope], role: need.role });
}
