import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { hasRole, hasScopes } from '../../platform/auth/access.guard.js';
import { PrincipalResolver } from '../../platform/auth/principal-resolver.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard.js';
import { HooksRepository, type HookRow } from './hooks.repository.js';

type HookRequest = MantisRequest & { hook?: HookRow };

export function hookOf(req: MantisRequest): HookRow {
  const hook = (req as HookRequest).hook;
  if (!hook) throw ApiError.notFound('hook');
  return hook;
}

/**
 * For `POST /hooks/{path}` (a public route): finds the hook, then acts in the
 * hook's own team. A `token` hook needs a principal that is an operator of
 * that team with scope `run`; a `none` hook needs nothing. Authenticated calls
 * take from the team's bucket, anonymous ones from the hook's own
 * (`rate_limit_per_minute`). Runs before the interceptors, so idempotency and
 * audit see the team and principal.
 */
@Injectable()
export class HookGuard implements CanActivate {
  constructor(
    private readonly hooks: HooksRepository,
    private readonly resolver: PrincipalResolver,
    private readonly rateLimit: RateLimitGuard,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<HookRequest>();
    const path = (req.params as Record<string, string>).path ?? '';
    const hook = path.length <= 128 ? await this.hooks.byPath(path) : null;
    if (hook?.auth !== 'none') {
      // Credentials are checked before the hook is revealed to exist.
      const principal = await this.resolver.resolve(req);
      req.principal = principal;
      if (!hook) throw ApiError.notFound('hook');
      const membership = principal.memberships.find((m) => m.teamId === hook.teamId);
      if (!membership && !principal.admin) throw ApiError.notFound('hook');
      req.team = { id: hook.teamId, slug: hook.team.slug, role: membership?.role ?? null };
      if (!hasScopes(principal, ['run'])) throw new ApiError('insufficient_scope', 'This key lacks the scope: run');
      if (!hasRole(principal, req.team, 'operator')) throw new ApiError('insufficient_role', 'This action needs the operator role');
    } else {
      req.team = { id: hook.teamId, slug: hook.team.slug, role: null };
    }
    req.hook = hook;
    const reply = ctx.switchToHttp().getResponse<MantisReply>();
    // Anonymous callers must not spend the team's bucket (its operators would get 429): the hook has its own.
    if (!req.principal) return this.rateLimit.take(reply, { key: `hook:${hook.id}`, limit: hook.rateLimitPerMinute, slug: hook.team.slug, policy: 'hook' });
    return this.rateLimit.check(req, reply);
  }
}
