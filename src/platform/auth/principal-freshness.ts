import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PrismaService } from '../database/prisma.service.js';
import { ApiError } from '../http/api-error.js';
import type { MantisRequest } from '../http/request-context.js';
import { AccessGuard } from './access.guard.js';
import type { Principal } from './principal.js';
import { PrincipalResolver } from './principal-resolver.js';

/**
 * Makes a cached principal exact across replicas; the last of the access
 * guards. A replica whose key cache holds its lease has applied every change
 * that has answered (README "Key cache"), and its principals carry nothing to
 * confirm. Without the lease, a change notice may still be on its way: the
 * request reads the auth epoch (one statement) and compares it with the epoch
 * the cache had applied. A later epoch means a committed change the cache may
 * not reflect: the credentials are resolved again from the database (a
 * revoked key is 401 now) and, if what they grant changed, the membership and
 * access checks run again.
 */
@Injectable()
export class PrincipalFreshness implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly prisma: PrismaService,
    private readonly resolver: PrincipalResolver,
  ) {}

  /** Synchronous when there is nothing to confirm (Nest awaits only what is a promise). */
  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    if (req.principalAsOf === undefined || !req.principal) return true;
    return this.confirm(ctx, req, req.principal, req.principalAsOf).then(() => true);
  }

  private async confirm(ctx: ExecutionContext, req: MantisRequest, before: Principal, asOf: bigint): Promise<void> {
    const epoch = await this.prisma.readAuthEpoch();
    if (epoch <= asOf) return;
    req.principalAsOf = undefined;
    const team = req.team;
    const fresh = await this.resolver.resolveFresh(req);
    req.principal = fresh;
    if (sameGrant(before, fresh)) return;
    // The request stays in the team it was resolved to, with the fresh role.
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
