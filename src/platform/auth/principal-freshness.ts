import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PrismaService } from '../database/prisma.service.js';
import { ApiError } from '../http/api-error.js';
import type { MantisRequest } from '../http/request-context.js';
import { AccessGuard } from './access.guard.js';
import type { Principal } from './principal.js';
import { PrincipalResolver } from './principal-resolver.js';

/**
 * Makes a cached principal exact across replicas. Key caches are emptied by
 * change notices, which can arrive after the changing request has answered;
 * so a request served from a cache compares the auth epoch its transaction's
 * first statement read (no extra round trip) with the epoch the cache had
 * applied. A later epoch means a committed change the cache may not reflect:
 * the credentials are resolved again from the database (a revoked key is 401
 * now) and, if what they grant changed, the membership and access checks run again.
 */
@Injectable()
export class PrincipalFreshness {
  constructor(
    private readonly reflector: Reflector,
    private readonly prisma: PrismaService,
    private readonly resolver: PrincipalResolver,
  ) {}

  /** Inside the request's transaction, or before the handler of one that has none (then one query of its own). */
  async confirm(ctx: ExecutionContext): Promise<void> {
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    const asOf = req.principalAsOf;
    if (asOf === undefined || !req.principal) return;
    const epoch = this.prisma.authEpoch() ?? (await this.prisma.readAuthEpoch());
    if (epoch <= asOf) return;
    req.principalAsOf = undefined;
    const before = req.principal;
    const team = req.team;
    const fresh = await this.resolver.resolveFresh(req);
    req.principal = fresh;
    if (sameGrant(before, fresh)) return;
    // The request stays in the team it was resolved to (its transaction is that team's), with the fresh role.
    if (team) {
      const m = fresh.memberships.find((x) => x.teamId === team.id);
      if (!m && !fresh.admin) throw ApiError.notFound('team');
      req.team = { ...team, role: m?.role ?? null };
    }
    new AccessGuard(this.reflector).canActivate(ctx);
  }
}

function sameGrant(a: Principal, b: Principal): boolean {
  const grants = (p: Principal) => JSON.stringify([p.userId, p.admin, [...p.scopes].sort(), p.memberships.map((m) => [m.teamId, m.teamSlug, m.role]).sort()]);
  return grants(a) === grants(b);
}
