import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { hashToken } from '../../platform/auth/api-key-format.js';
import { TEAM_ROLES, type Principal, type PrincipalMembership, type Scope, type TeamRole } from '../../platform/auth/principal.js';
import { LOGGER } from '../../platform/http/logger.js';
import { ApiKeyCache, type CachedKey } from './api-key-cache.js';
import { ApiKeysRepository, type IdentityRow, type KeyRow } from './api-keys.repository.js';

const USAGE_FLUSH_MS = 5_000;

/** The principal an `mk_` key or tenant token acts as: for requests, and for the console session it starts. */
export function principalOfKey(key: CachedKey): Principal {
  return {
    kind: key.kind,
    userId: key.userId,
    email: key.email,
    admin: key.admin,
    memberships: key.memberships,
    scopes: [...key.scopes],
    authMethod: key.source === 'keys_file' ? 'tenant_token' : 'api_key',
    keyId: key.keyId,
    keyPrefix: key.prefix,
    keyExpiresAt: key.expiresAt,
  };
}

export function membershipsOf(user: IdentityRow, onlyTeamId?: string | null): PrincipalMembership[] {
  return user.memberships
    .filter((m) => (onlyTeamId ? m.teamId === onlyTeamId : true) && (TEAM_ROLES as readonly string[]).includes(m.role))
    .map((m) => ({ teamId: m.teamId, teamSlug: m.team.slug, role: m.role as TeamRole }));
}

function toCached(row: KeyRow & { user: IdentityRow }): CachedKey {
  const bound = row.teamId !== null;
  return {
    keyId: row.id,
    userId: row.userId,
    email: row.user.email,
    kind: row.user.kind === 'service' ? 'service' : 'user',
    // A key bound to a team acts only in that team, never with global rights.
    admin: row.user.isAdmin && !bound,
    prefix: row.prefix,
    scopes: row.scopes as Scope[],
    source: row.source,
    expiresAt: row.expiresAt,
    memberships: membershipsOf(row.user, row.teamId),
  };
}

/** A valid key; `asOf` is set when it came from a cache that holds no lease (see PrincipalFreshness). */
export interface FoundKey {
  key: CachedKey;
  asOf?: bigint;
}

/**
 * Resolves a raw key or tenant token to its (cached) identity, or null when it
 * is unknown, revoked or expired. `last_used_at` is written in batches.
 */
@Injectable()
export class ApiKeyLookup implements OnModuleInit, OnApplicationShutdown {
  private usage = new Map<string, Date>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly cache: ApiKeyCache,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flushUsage(), USAGE_FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushUsage();
  }

  /**
   * The key's identity, from the cache or, when not cached or `fresh`, from
   * the database. From a cache without a current lease, `asOf` is the auth
   * epoch the cache reflects, which the request must confirm.
   */
  async find(raw: string, fresh = false): Promise<FoundKey | null> {
    const hash = hashToken(raw);
    const asOf = this.cache.confirmationEpoch();
    let entry = fresh ? undefined : this.cache.get(hash);
    if (entry) return this.valid(entry, asOf);
    const snapshot = this.cache.snapshot();
    const row = await this.repo.findByHash(hash);
    if (!row || row.revokedAt) return null;
    entry = toCached(row);
    this.cache.set(hash, entry, snapshot);
    return this.valid(entry);
  }

  /** Like find, from the cache alone (no database); null when not cached. */
  findCached(raw: string): FoundKey | null {
    const asOf = this.cache.confirmationEpoch();
    const entry = this.cache.get(hashToken(raw));
    return entry ? this.valid(entry, asOf) : null;
  }

  private valid(key: CachedKey, asOf?: bigint): FoundKey | null {
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return null;
    this.usage.set(key.keyId, new Date());
    return { key, asOf };
  }

  async flushUsage(): Promise<void> {
    if (this.usage.size === 0) return;
    const batch = this.usage;
    this.usage = new Map();
    try {
      await this.repo.touch(batch);
    } catch (err) {
      this.logger.warn({ err, keys: batch.size }, 'could not record API key usage');
    }
  }
}
