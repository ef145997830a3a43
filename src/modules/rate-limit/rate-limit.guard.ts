import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { TeamDirectory } from '../../platform/auth/team-directory.js';
import { ApiError } from '../../platform/http/api-error.js';
import { LOGGER } from '../../platform/http/logger.js';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { TokenBucketStore, type BucketDecision } from './token-bucket.js';

const SETTINGS_TTL_MS = 5_000;

interface Bucket {
  key: string;
  limit: number;
  slug: string;
  policy: string;
}

/**
 * The team token bucket (the OpenAPI description: runs): every authenticated request made in a
 * team's name (its resolved team, or the principal's only team) takes one
 * token. Buckets are keyed by team id, never by anything a client sends.
 * Anonymous calls of a `@TargetTeam` target that takes them (an `auth: none`
 * hook) draw from the target's own bucket instead, so they cannot spend the
 * team's (its operators would get 429).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limits = new Map<string, { limit: number; slug: string; until: number }>();

  constructor(
    private readonly store: TokenBucketStore,
    private readonly teams: TeamDirectory,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    return this.check(ctx.switchToHttp().getRequest<MantisRequest>(), ctx.switchToHttp().getResponse<MantisReply>());
  }

  /** Synchronous when no token is taken (no team, or a limit of 0 already known). */
  private check(req: MantisRequest, reply: MantisReply): boolean | Promise<boolean> {
    const principal = req.principal;
    const anonymous = principal ? undefined : req.target?.anonymous;
    if (anonymous && req.target) {
      return this.take(reply, { key: anonymous.bucket, limit: anonymous.limitPerMinute, slug: req.target.team.slug, policy: anonymous.policy });
    }
    const only = principal?.memberships.length === 1 ? principal.memberships[0].teamId : undefined;
    const teamId = req.team?.id ?? only;
    if (!teamId) return true;
    const cached = this.limits.get(teamId);
    if (cached && cached.until > Date.now())
      return cached.limit <= 0 || this.take(reply, { key: teamId, limit: cached.limit, slug: cached.slug, policy: 'team' });
    return this.teamLimit(teamId).then((team) => !team || this.take(reply, { key: teamId, limit: team.limit, slug: team.slug, policy: 'team' }));
  }

  /** Takes one token from the bucket; `slug` labels the metric. A limit of 0 disables it. */
  private take(reply: MantisReply, bucket: Bucket): boolean | Promise<boolean> {
    if (bucket.limit <= 0) return true;
    const decision = this.store.take(bucket.key, bucket.limit);
    return decision instanceof Promise ? decision.then((d) => this.apply(reply, bucket, d)) : this.apply(reply, bucket, decision);
  }

  /** The decision's headers on the reply; a refusal is 429 `rate_limited`. */
  private apply(reply: MantisReply, bucket: Bucket, decision: BucketDecision): boolean {
    const headers = rateLimitHeaders(decision, bucket.policy);
    for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    if (decision.allowed) return true;
    this.metrics.rateLimited.inc({ tenant_id: bucket.slug });
    const retryAfter = String(decision.retryAfterSeconds);
    throw new ApiError(
      'rate_limited',
      `Rate limit of ${bucket.limit} requests per minute exceeded; retry in ${retryAfter} s`,
      { retry_after: decision.retryAfterSeconds },
      {
        ...headers,
        'Retry-After': retryAfter,
      },
    );
  }

  /** The team's limit from the directory, kept for SETTINGS_TTL_MS. */
  private async teamLimit(teamId: string): Promise<{ limit: number; slug: string } | undefined> {
    const team = await this.teams.rateLimitOf(teamId);
    if (!team) return undefined;
    const entry = { limit: team.limit, slug: team.slug, until: Date.now() + SETTINGS_TTL_MS };
    this.limits.set(teamId, entry);
    return entry;
  }
}

/** The classic X-RateLimit-* trio and the IETF RateLimit / RateLimit-Policy fields. */
export function rateLimitHeaders(d: BucketDecision, policy = 'team'): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(d.limit),
    'X-RateLimit-Remaining': String(d.remaining),
    'X-RateLimit-Reset': String(d.resetSeconds),
    'RateLimit-Policy': `"${policy}";q=${d.limit};w=60`,
    RateLimit: `"${policy}";r=${d.remaining};t=${d.allowed ? d.resetSeconds : d.retryAfterSeconds}`,
  };
}
