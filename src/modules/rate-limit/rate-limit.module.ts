import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { Logger } from 'pino';
import { LOGGER } from '../../platform/http/logger.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { FallbackTokenBucketStore } from './fallback-token-bucket.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RedisTokenBucketStore } from './redis-token-bucket.js';
import { MemoryTokenBucketStore, TokenBucketStore } from './token-bucket.js';

export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

/**
 * Team rate limits. Without REDIS_URL the buckets live in this process; with
 * it, in Redis, one bucket per team across every replica, falling back to
 * in-process buckets (logged and counted) while Redis cannot answer.
 */
@Global()
@Module({
  providers: [
    {
      provide: RATE_LIMIT_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => (config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableAutoPipelining: true }) : null),
    },
    {
      provide: TokenBucketStore,
      inject: [RATE_LIMIT_REDIS, MetricsService, LOGGER],
      useFactory: (redis: Redis | null, metrics: MetricsService, logger: Logger) =>
        redis ? new FallbackTokenBucketStore(new RedisTokenBucketStore(redis), metrics, logger) : new MemoryTokenBucketStore(),
    },
    RateLimitGuard,
  ],
  exports: [RateLimitGuard, TokenBucketStore],
})
export class RateLimitModule implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
