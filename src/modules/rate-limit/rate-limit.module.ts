import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RedisTokenBucketStore } from './redis-token-bucket.js';
import { MemoryTokenBucketStore, TokenBucketStore } from './token-bucket.js';

export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

/**
 * Team rate limits. Without REDIS_URL the buckets live in this process; with
 * it, in Redis, one bucket per team across every replica.
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
      inject: [RATE_LIMIT_REDIS],
      useFactory: (redis: Redis | null) => (redis ? new RedisTokenBucketStore(redis) : new MemoryTokenBucketStore()),
    },
    RateLimitGuard,
  ],
  exports: [RateLimitGuard, TokenBucketStore, RATE_LIMIT_REDIS],
})
export class RateLimitModule implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
