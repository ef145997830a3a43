import { Injectable } from '@nestjs/common';
import { RouteTargetLookup, type RouteTarget } from '../../platform/auth/route-target.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { HooksRepository, type HookRow } from './hooks.repository.js';

/**
 * `POST /hooks/{path}` acts in the hook's own team (`@TargetTeam(HookTarget)`).
 * A `token` hook takes the usual pipeline; an `auth: none` hook takes
 * anonymous calls, which draw from the hook's own bucket
 * (`rate_limit_per_minute`), never the team's.
 */
@Injectable()
export class HookTarget extends RouteTargetLookup<HookRow> {
  readonly kind = 'hook';

  constructor(private readonly hooks: HooksRepository) {
    super();
  }

  async find(req: MantisRequest): Promise<RouteTarget<HookRow> | null> {
    const path = (req.params as Record<string, string>).path ?? '';
    const hook = path.length <= 128 ? await this.hooks.byPath(path) : null;
    if (!hook) return null;
    return {
      value: hook,
      team: { id: hook.teamId, slug: hook.team.slug },
      anonymous: hook.auth === 'none' ? { bucket: `hook:${hook.id}`, limitPerMinute: hook.rateLimitPerMinute, policy: 'hook' } : undefined,
    };
  }
}

/** The hook the pipeline found for this request. */
export function hookOf(req: MantisRequest): HookRow {
  const hook = req.target?.value as HookRow | undefined;
  if (!hook) throw ApiError.notFound('hook');
  return hook;
}
