import { z } from 'zod';
import { SCOPES, TEAM_ROLES } from '../../platform/auth/principal.js';

/** GET /api/v1/me (API.md §7). */
export const meSchema = z.object({
  kind: z.enum(['user', 'service']),
  email: z.string(),
  admin: z.boolean(),
  teams: z.array(z.object({ team: z.string(), role: z.enum(TEAM_ROLES) })),
  scopes: z.array(z.enum(SCOPES)),
  auth_method: z.enum(['api_key', 'tenant_token', 'single_tenant', 'oidc']),
});
export type Me = z.infer<typeof meSchema>;
