import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { MantisRequest } from '../http/request-context.js';
import { assertAccess } from './access.js';
import { routePolicy } from './route-policy.js';

/** Reads @RequireScopes and @RequireRole and applies the access policy (`access.ts`) in the resolved team. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    const principal = req.principal;
    if (!principal) return true; // public route, or a target that takes anonymous calls
    const { scopes, role } = routePolicy(this.reflector, ctx);
    assertAccess(principal, req.team, { scopes, role });
    return true;
  }
}
