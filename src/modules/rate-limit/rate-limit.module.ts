import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { Logger } from 'pino';
import { LOGGER } from '../../platform/http/logger.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { TeamsModule } from '../teams/teams.module.js';
import { FallbackTokenBucketStore } from './fallback-token-bucket.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RedisTokenBucketStore } from './redis-token-bucket.js';
import { MemoryTokenBucketStore, TokenBucketStore } from './token-bucket.js';

export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');
const BOOT_WAIT_MS = 2_000;

/**
 * Team rate limits. Without REDIS_URL the buckets live in this process; with
 * it, in Redis, one bucket per team across every replica, falling back to
 * in-process buckets (logged and counted) while Redis cannot answer. The
 * team limits come from the teams module (platform's TeamDirectory port).
 */
@Module({
  imports: [MetricsModule, TeamsModule],
  providers: [
    {
      provide: RATE_LIMIT_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (!config.redisUrl) return null;
        // No offline queue: while Redis is disconnected a request falls back at once instead of waiting on reconnects; the timeout (long enough for a busy event loop) covers a Redis that stopped answering.
        const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableAutoPipelining: true, enableOfflineQueue: false, commandTimeout: 3_000 });
        redis.on('error', () => undefined); // each failed take is logged and counted by the fallback store
        return redis;
      },
    },
    {
      provide: TokenBucketStore,
      inject: [RATE_LIMIT_REDIS, MetricsService, LOGGER],
      useFactory: (redis: Redis | null, metrics: MetricsService, logger: Logger) =>
        redis ? new FallbackTokenBucketStore(new RedisTokenBucketStore(redis), metrics, logger) : new MemoryTokenBucketStore(),
    },
    RateLimitGuard,
  ],
  exports: [RateLimitGuard, TokenBucketStore, RATE_LIMIT_REDIS],
})
export class RateLimitModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis | null) {}

  /** Gives Redis a moment to connect before serving, so the first requests share the cluster's buckets. */
  async onApplicationBootstrap(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, BOOT_WAIT_MS);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
