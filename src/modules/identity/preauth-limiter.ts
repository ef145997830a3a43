import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ApiError } from '../../platform/http/api-error.js';

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_ADDRESSES = 100_000;

/**
 * Per client address, the requests that did not authenticate (no credential,
 * or one that was refused): `MANTIS_PREAUTH_RATE_PER_MINUTE` a minute,
 * refilled continuously. Failures are charged after the fact; once an
 * address's bucket is empty, its next unauthenticated request is refused
 * before any database work. Kept in process: it guards this replica's
 * database connections, and needs no round trip of its own.
 */
@Injectable()
export class PreauthLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limit: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.limit = config.admission.preauthRatePerMinute;
  }

  get enabled(): boolean {
    return this.limit > 0;
  }

  /** 429 rate_limited with Retry-After when the address has no failures left; null otherwise. */
  refusal(address: string): ApiError | null {
    if (!this.enabled) return null;
    const tokens = this.refill(address);
    if (tokens >= 1) return null;
    const retryAfter = Math.max(1, Math.ceil(((1 - tokens) * 60) / this.limit));
    return new ApiError(
      'rate_limited',
      `Too many unauthenticated or refused requests from this address; retry in ${retryAfter} s`,
      { retry_after: retryAfter },
      { 'Retry-After': String(retryAfter) },
    );
  }

  /** Counts one unauthenticated or refused request against the address. */
  charge(address: string): void {
    if (!this.enabled) return;
    const tokens = this.refill(address);
    this.buckets.set(address, { tokens: tokens - 1, at: Date.now() });
    if (this.buckets.size > MAX_ADDRESSES) this.evictFull();
  }

  private refill(address: string): number {
    const b = this.buckets.get(address);
    if (!b) return this.limit;
    return Math.min(this.limit, b.tokens + ((Date.now() - b.at) / 60_000) * this.limit);
  }

  private evictFull(): void {
    for (const [address] of this.buckets) if (this.refill(address) >= this.limit) this.buckets.delete(address);
  }
}
