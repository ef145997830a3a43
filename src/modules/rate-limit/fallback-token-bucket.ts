import type { Logger } from 'pino';
import type { MetricsService } from '../metrics/metrics.service.js';
import { MemoryTokenBucketStore, TokenBucketStore, type BucketDecision } from './token-bucket.js';

/** One warning per outage at most this often, so a dead Redis does not flood the log. */
const LOG_EVERY_MS = 30_000;

/**
 * The shared (Redis) buckets, with this process's own buckets behind them:
 * when Redis cannot answer, the limit still holds per replica instead of
 * letting every request through. Each fallback is counted in
 * `mantis_rate_limit_fallback_total` and logged.
 */
export class FallbackTokenBucketStore extends TokenBucketStore {
  private readonly local = new MemoryTokenBucketStore();
  private lastLog = 0;

  constructor(
    private readonly shared: TokenBucketStore,
    private readonly metrics: MetricsService,
    private readonly logger: Logger,
  ) {
    super();
  }

  async take(key: string, limit: number): Promise<BucketDecision> {
    try {
      return await this.shared.take(key, limit);
    } catch (err) {
      this.metrics.rateLimitFallback.inc();
      const now = Date.now();
      if (now - this.lastLog >= LOG_EVERY_MS) {
        this.lastLog = now;
        this.logger.error({ err: { message: (err as Error).message } }, 'rate limit store (Redis) unavailable; limiting with in-process buckets');
      }
      return this.local.take(key, limit);
    }
  }
}
