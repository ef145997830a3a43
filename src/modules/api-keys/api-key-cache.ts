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
 */
@Injectable()
export class ApiKeyCache {
  private readonly byHash = new Map<string, CachedKey>();
  private readonly byUser = new Map<string, Set<string>>();
  private generation = 0;
  private live = false;

  /** Called by the listener: true once LISTEN is in place, false when the connection drops. */
  setLive(live: boolean): void {
    this.live = live;
    this.clear();
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

  /** Applies one `mantis_auth` notice: `k:<hash>`, `u:<user id>` or `*`. */
  apply(notice: string): void {
    if (notice.startsWith('k:')) this.invalidateKey(notice.slice(2));
    else if (notice.startsWith('u:')) this.invalidateUser(notice.slice(2));
    else this.clear();
  }
}
