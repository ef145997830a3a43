import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PrismaService } from '../database/prisma.service.js';
import { ApiError } from '../http/api-error.js';
import type { MantisRequest } from '../http/request-context.js';
import { TEAM_SCOPED_KEY } from './auth.decorators.js';
import type { Principal, TeamContext } from './principal.js';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * Resolves the team a request acts in, before any handler: the `:team` path
 * parameter, else `X-Mantis-Team`, else the principal's only team. A team the
 * principal is not in is 404, exactly like a team that does not exist.
 */
@Injectable()
export class TeamGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly prisma: PrismaService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    const principal = req.principal;
    if (!principal) return true; // public route
    const params = (req.params ?? {}) as Record<string, string>;
    const required = this.reflector.getAllAndOverride<boolean>(TEAM_SCOPED_KEY, [ctx.getHandler(), ctx.getClass()]) || 'team' in params;
    const header = req.headers['x-mantis-team'];
    const wanted = params.team ?? (typeof header === 'string' && header !== '' ? header : undefined);

    if (wanted !== undefined) {
      req.team = await this.lookup(principal, wanted);
      return true;
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

  private async lookup(principal: Principal, slug: string): Promise<TeamContext> {
    const m = principal.memberships.find((x) => x.teamSlug === slug);
    if (m) return { id: m.teamId, slug: m.teamSlug, role: m.role };
    if (principal.admin && SLUG.test(slug)) {
      // An admin names any team by slug: the lookup crosses teams.
      const team = await this.prisma.system(() => this.prisma.team.findUnique({ where: { slug }, select: { id: true, slug: true } }), { transaction: false });
      if (team) return { id: team.id, slug: team.slug, role: null };
    }
    throw ApiError.notFound('team');
  }
}
