import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { MantisRequest } from '../http/request-context.js';
import { IS_PUBLIC_KEY } from './auth.decorators.js';
import { PrincipalResolver } from './principal-resolver.js';

/** Deny by default: every route needs a principal unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: PrincipalResolver,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    req.principal = await this.resolver.resolve(req);
    return true;
  }
}
