import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiError } from '../http/api-error.js';
import type { MantisRequest } from '../http/request-context.js';
import type { Principal, Scope, TeamContext } from './principal.js';

export const IS_PUBLIC_KEY = 'mantis:public';
export const SCOPES_KEY = 'mantis:scopes';
export const ROLE_KEY = 'mantis:role';
export const TEAM_SCOPED_KEY = 'mantis:team-scoped';

/** Minimum role for a route. `auditor` is its own lane: see AccessGuard. */
export type RoleRequirement = 'viewer' | 'operator' | 'team_owner' | 'auditor' | 'admin';

/** Opts a route out of authentication (deny is the default). */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** Scopes an API key must carry for this route (OIDC sessions carry all). */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);

/** Role the principal needs in the resolved team (or globally, for `admin`). */
export const RequireRole = (role: RoleRequirement) => SetMetadata(ROLE_KEY, role);

/**
 * The route acts inside one team: resolved from the `:team` path parameter,
 * `X-Mantis-Team`, or the principal's only team, before any handler runs.
 */
export const TeamScoped = () => SetMetadata(TEAM_SCOPED_KEY, true);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<MantisRequest>();
  if (!req.principal) throw new ApiError('missing_token', 'Authentication required');
  return req.principal;
});

export const CurrentTeam = createParamDecorator((_: unknown, ctx: ExecutionContext): TeamContext => {
  const req = ctx.switchToHttp().getRequest<MantisRequest>();
  if (!req.team) throw new ApiError('team_required', 'This route needs a team');
  return req.team;
});
