import { z } from 'zod';
import { SCOPES, TEAM_ROLES, type Principal } from '../../platform/auth/principal.js';

/** GET /api/v1/me (the OpenAPI description: administration). */
export const meSchema = z.object({
  kind: z.enum(['user', 'service']),
  email: z.string(),
  admin: z.boolean(),
  teams: z.array(z.object({ team: z.string(), role: z.enum(TEAM_ROLES) })),
  scopes: z.array(z.enum(SCOPES)),
  auth_method: z.enum(['api_key', 'tenant_token', 'single_tenant', 'oidc']),
});
export type Me = z.infer<typeof meSchema>;

export function meOf(p: Principal): Me {
  return {
    kind: p.kind,
    email: p.email,
    admin: p.admin,
    teams: p.memberships.map((m) => ({ team: m.teamSlug, role: m.role })).sort((a, b) => a.team.localeCompare(b.team)),
    scopes: [...p.scopes],
    auth_method: p.authMethod,
  };
}
