import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { ApiError } from '../../platform/http/api-error.js';
import { LOGGER } from '../../platform/http/logger.js';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { TokenBucketStore, type BucketDecision } from './token-bucket.js';

const SETTINGS_TTL_MS = 5_000;

/**
 * The team token bucket (the OpenAPI description: runs): every authenticated request made in a
 * team's name (its resolved team, or the principal's only team) takes one
 * token. Buckets are keyed by team id, never by anything a client sends.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limits = new Map<string, { limit: number; slug: string; until: number }>();

  constructor(
    private readonly store: TokenBucketStore,
    private readonly prisma: PrismaService,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    return this.check(ctx.switchToHttp().getRequest<MantisRequest>(), ctx.switchToHttp().getResponse<MantisReply>());
  }

  /** Takes the request's token, for routes that authenticate after the global guards (inbound hooks). */
  async check(req: MantisRequest, reply: MantisReply): Promise<boolean> {
    const principal = req.principal;
    const only = principal?.memberships.length === 1 ? principal.memberships[0].teamId : undefined;
    const teamId = req.team?.id ?? only;
    if (!teamId) return true;
    const team = await this.teamLimit(teamId);
    if (!team) return true;
    return this.take(reply, { key: teamId, limit: team.limit, slug: team.slug, policy: 'team' });
  }

  /**
   * Takes one token from a bucket other than the team's (an anonymous hook's
   * own bucket); `slug` labels the metric. A limit of 0 disables it.
   */
  async take(reply: MantisReply, bucket: { key: string; limit: number; slug: string; policy: string }): Promise<boolean> {
    if (bucket.limit <= 0) return true;
    const decision = await this.store.take(bucket.key, bucket.limit);
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

  private async teamLimit(teamId: string): Promise<{ limit: number; slug: string } | undefined> {
    const now = Date.now();
    const cached = this.limits.get(teamId);
    if (cached && cached.until > now) return cached;
    // A guard runs before the team's transaction opens; the teams table is the partition itself (no team_id).
    const team = await this.prisma.system(() => this.prisma.team.findUnique({ where: { id: teamId }, select: { rateLimitPerMinute: true, slug: true } }), {
      transaction: false,
    });
    if (!team) return undefined;
    const entry = { limit: team.rateLimitPerMinute, slug: team.slug, until: now + SETTINGS_TTL_MS };
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
