import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { ApiError } from '../http/api-error.js';
import type { MantisRequest } from '../http/request-context.js';
import { standingIn, visibleTeam } from './access.js';
import type { TeamContext } from './principal.js';
import { routePolicy } from './route-policy.js';
import { targetLookupOf, type RouteTargetLookup } from './route-target.js';
import { TeamDirectory } from './team-directory.js';

/**
 * Resolves the team a request acts in, before any handler: the `:team` path
 * parameter, else `X-Mantis-Team`, else the principal's only team. A team the
 * principal is not in is 404, exactly like a team that does not exist. A
 * `@TargetTeam` route acts in its target's team instead.
 */
@Injectable()
export class TeamGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly directory: TeamDirectory,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Synchronous unless the team must be looked up by name (Nest awaits only what is a promise). */
  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    const policy = routePolicy(this.reflector, ctx);
    const lookup = targetLookupOf(this.moduleRef, policy.target);
    if (lookup) {
      req.team = this.targetTeam(req, lookup);
      return true;
    }
    const principal = req.principal;
    if (!principal) return true; // public route
    const params = (req.params ?? {}) as Record<string, string>;
    const required = policy.teamScoped || 'team' in params;
    const header = req.headers['x-mantis-team'];
    const wanted = params.team ?? (typeof header === 'string' && header !== '' ? header : undefined);

    if (wanted !== undefined) {
      return visibleTeam(principal, wanted, this.directory).then((team) => {
        req.team = team;
        return true;
      });
    }
    if (principal.memberships.length === 1) {
      const m = principal.memberships[0];
      req.team = { id: m.teamId, slug: m.teamSlug, role: m.role };
      return true;
    }
    if (required) {
      if (principal.memberships.length === 0 && !principal.admin) throw ApiError.notFound('team');
      throw new ApiError('team_required', 'Name the team: use /api/v1/teams/{team}/… or the X-Mantis-Team header');
    }
    return true;
  }

  /** The target's team; a target that is missing, or in a team the principal may not see, is the same 404. */
  private targetTeam(req: MantisRequest, lookup: RouteTargetLookup): TeamContext {
    const target = req.target;
    if (!target) throw ApiError.notFound(lookup.kind);
    if (!req.principal) {
      if (!target.anonymous) throw ApiError.notFound(lookup.kind);
      return { id: target.team.id, slug: target.team.slug, role: null };
    }
    const team = standingIn(req.principal, target.team);
    if (!team) throw ApiError.notFound(lookup.kind);
    return team;
  }
}
