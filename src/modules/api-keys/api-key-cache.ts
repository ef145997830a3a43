import { Injectable } from '@nestjs/common';
import type { PrincipalMembership, Scope } from '../../platform/auth/principal.js';

/** What a valid key resolves to; enough to build a Principal without a query. */
export interface CachedKey {
  keyId: string;
  userId: string;
  email: string;
  kind: 'user' | 'service';
  admin: boolean;
  prefix: string;
  scopes: Scope[];
  source: string;
  expiresAt: Date | null;
  memberships: PrincipalMembership[];
}

const MAX_ENTRIES = 10_000;

/**
 * Key lookups by hash, in process. Entries are dropped on the change notices
 * of `mantis_auth` (AuthChangeListener), never by TTL; while the listener is
 * not connected the cache is bypassed, so a missed notice cannot keep a
 * revoked key alive. Only valid keys are cached.
 *
 * Each notice carries the auth epoch its change advanced the database to;
 * `appliedEpoch` is the highest one applied. A notice still in flight when a
 * request arrives is caught by the request comparing that with the epoch its
 * first statement reads (PrincipalFreshness).
 */
@Injectable()
export class ApiKeyCache {
  private readonly byHash = new Map<string, CachedKey>();
  private readonly byUser = new Map<string, Set<string>>();
  private generation = 0;
  private live = false;
  private applied = 0n;

  /**
   * Called by the listener: true once LISTEN is in place (with the epoch read
   * after it, which every later notice exceeds), false when the connection drops.
   */
  setLive(live: boolean, epoch?: bigint): void {
    this.live = live;
    if (epoch !== undefined) this.applied = epoch;
    this.clear();
  }

  /** Every change up to this auth epoch is reflected in the cache. */
  get appliedEpoch(): bigint {
    return this.applied;
  }

  get isLive(): boolean {
    return this.live;
  }

  /** A token for `set`: a lookup that raced an invalidation must not be stored. */
  snapshot(): number {
    return this.generation;
  }

  get(hash: string): CachedKey | undefined {
    return this.live ? this.byHash.get(hash) : undefined;
  }

  set(hash: string, entry: CachedKey, snapshot: number): void {
    if (!this.live || snapshot !== this.generation) return;
    if (this.byHash.size >= MAX_ENTRIES) this.clear();
    this.byHash.set(hash, entry);
    let hashes = this.byUser.get(entry.userId);
    if (!hashes) this.byUser.set(entry.userId, (hashes = new Set()));
    hashes.add(hash);
  }

  invalidateKey(hash: string): void {
    this.generation++;
    const entry = this.byHash.get(hash);
    if (!entry) return;
    this.byHash.delete(hash);
    this.byUser.get(entry.userId)?.delete(hash);
  }

  invalidateUser(userId: string): void {
    this.generation++;
    for (const hash of this.byUser.get(userId) ?? []) this.byHash.delete(hash);
    this.byUser.delete(userId);
  }

  clear(): void {
    this.generation++;
    this.byHash.clear();
    this.byUser.clear();
  }

  /** Applies one `mantis_auth` notice: `<epoch> ` then `k:<hash>`, `u:<user id>` or `*`. */
  apply(payload: string): void {
    const space = payload.indexOf(' ');
    const epoch = space > 0 && /^\d+$/.test(payload.slice(0, space)) ? BigInt(payload.slice(0, space)) : undefined;
    const notice = epoch === undefined ? payload : payload.slice(space + 1);
    this.invalidate(notice);
    if (epoch !== undefined && epoch > this.applied) this.applied = epoch;
  }

  private invalidate(notice: string): void {
    if (notice.startsWith('k:')) this.invalidateKey(notice.slice(2));
    else if (notice.startsWith('u:')) this.invalidateUser(notice.slice(2));
    else this.clear();
  }
}
