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
 * `appliedEpoch` is the highest one applied. While the replica holds a lease
 * (`mantis_auth_replicas`, renewed by the listener), every change whose
 * transaction has returned is already applied here: such a change waits for
 * the acknowledgement of every replica holding a lease. Without a lease, a
 * notice may still be in flight when a request arrives; the request then
 * compares `appliedEpoch` with the epoch the database has (PrincipalFreshness).
 */
@Injectable()
export class ApiKeyCache {
  private readonly byHash = new Map<string, CachedKey>();
  private readonly byUser = new Map<string, Set<string>>();
  private generation = 0;
  private live = false;
  private applied = 0n;
  /** `performance.now()` until which the lease holds; 0: none. */
  private leaseUntil = 0;

  /**
   * Called by the listener: true once LISTEN is in place (with the epoch read
   * after it, which every later notice exceeds), false when the connection drops.
   */
  setLive(live: boolean, epoch?: bigint): void {
    this.live = live;
    this.leaseUntil = 0;
    if (epoch !== undefined) this.applied = epoch;
    this.clear();
  }

  /** Called by the listener when the database granted a lease; `until` is on `performance.now()`'s clock. */
  holdLease(until: number): void {
    if (this.live && until > this.leaseUntil) this.leaseUntil = until;
  }

  /** The lease was refused or lost: requests confirm the epoch again. */
  dropLease(): void {
    this.leaseUntil = 0;
  }

  get hasLease(): boolean {
    return this.live && performance.now() < this.leaseUntil;
  }

  /**
   * For an entry read now: undefined while the lease holds (nothing to
   * confirm), else the epoch the request must find the database still at.
   */
  confirmationEpoch(): bigint | undefined {
    return this.hasLease ? undefined : this.applied;
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
