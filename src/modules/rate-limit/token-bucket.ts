/** The outcome of taking one token from a team's bucket. */
export interface BucketDecision {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until one token is back (≥ 1); meaningful when refused. */
  retryAfterSeconds: number;
}

/**
 * A bucket of `limit` tokens refilled continuously at `limit` per minute.
 * Implementations must take the token atomically: in process, or in Redis
 * so that every replica draws from the same bucket.
 */
export abstract class TokenBucketStore {
  /** A store in this process answers synchronously (no promise to await per request). */
  abstract take(key: string, limit: number): BucketDecision | Promise<BucketDecision>;
}

/** The arithmetic both stores share, given the tokens left after the refill. */
export function decide(limit: number, tokensAfter: number, allowed: boolean): BucketDecision {
  const perSecond = limit / 60;
  return {
    allowed,
    limit,
    remaining: Math.max(0, Math.floor(tokensAfter)),
    resetSeconds: Math.max(0, Math.ceil((limit - tokensAfter) / perSecond)),
    retryAfterSeconds: Math.max(1, Math.ceil((1 - tokensAfter) / perSecond)),
  };
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Single-process buckets (no REDIS_URL). */
export class MemoryTokenBucketStore extends TokenBucketStore {
  private readonly buckets = new Map<string, Bucket>();

  take(key: string, limit: number): BucketDecision {
    const now = Date.now();
    const b = this.buckets.get(key) ?? { tokens: limit, at: now };
    b.tokens = Math.min(limit, b.tokens + ((now - b.at) / 60_000) * limit);
    b.at = now;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.evictFull(now);
    return decide(limit, b.tokens, allowed);
  }

  private evictFull(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 120_000) this.buckets.delete(k);
  }
}
