import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { MantisRequest } from '../http/request-context.js';
import { PrincipalResolver } from './principal-resolver.js';
import { routePolicy, type RoutePolicy } from './route-policy.js';
import { targetLookupOf } from './route-target.js';

/**
 * Deny by default: every route needs a principal unless marked @Public(), or
 * unless its `@TargetTeam` target takes anonymous calls (then the target is
 * looked up first; credentials are still checked before a missing target is
 * revealed as missing).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: PrincipalResolver,
    private readonly moduleRef: ModuleRef,
  ) {}

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    // A public route costs no promise (Nest awaits only what is one).
    const policy = routePolicy(this.reflector, ctx);
    if (policy.public) return true;
    return this.authenticate(ctx, policy);
  }

  private async authenticate(ctx: ExecutionContext, policy: RoutePolicy): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    const lookup = targetLookupOf(this.moduleRef, policy.target);
    if (lookup) {
      req.target = (await lookup.find(req)) ?? undefined;
      if (req.target?.anonymous) return true;
    }
    req.principal = await this.resolver.resolve(req);
    return true;
  }
}
