import { cursorKey, pageOf, type ListPageQuery } from '../../platform/http/pagination.js';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { generateApiKey } from '../../platform/auth/api-key-format.js';
import { SCOPES, type Scope } from '../../platform/auth/principal.js';
import type { Tx } from '../../platform/database/prisma.service.js';
import { ApiError } from '../../platform/http/api-error.js';
import { ApiKeyCache } from './api-key-cache.js';
import { ApiKeysRepository, type KeyRow } from './api-keys.repository.js';
import {
  createApiKeySchema,
  parseDuration,
  rotateApiKeySchema,
  type ApiKeyView,
  type CreateApiKeyInput,
  type CreatedApiKey,
  type RotateApiKeyInput,
} from './api-keys.schemas.js';
import { parseWith } from '../../platform/http/zod-pipe.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DEFAULT_ROTATION_OVERLAP = '24h';

/** Whose key: a user, optionally bound to one team (service accounts default to their team). */
export interface KeyOwner {
  userId: string;
  teamId?: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The earlier of an expiry (null: never) and a bound. */
function capExpiry(expiresAt: Date | null, notAfter?: Date): Date | null {
  if (!notAfter) return expiresAt;
  return expiresAt && expiresAt < notAfter ? expiresAt : notAfter;
}

function view(row: KeyRow): ApiKeyView {
  return {
    name: row.name,
    prefix: row.prefix,
    created_at: row.createdAt.toISOString(),
    last_used_at: iso(row.lastUsedAt),
    expires_at: iso(row.expiresAt),
    revoked_at: iso(row.revokedAt),
    scopes: row.scopes as Scope[],
    source: row.source as ApiKeyView['source'],
  };
}

/**
 * A user's own API keys: create (raw key returned once), list, revoke, rotate.
 * Who may manage whose keys is decided by the caller (the OpenAPI description: administration); this service
 * enforces the key rules. Every change also reaches other replicas through the
 * `mantis_auth` notices raised by the database.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly cache: ApiKeyCache,
  ) {}

  /** 409 conflict when a live key of this user already has the name. */
  /** `notAfter`: the latest expiry allowed (the creating key's own); a later or absent one is cut to it. */
  async create(owner: KeyOwner, body: CreateApiKeyInput | unknown, notAfter?: Date): Promise<CreatedApiKey> {
    const input = parseWith(createApiKeySchema, body);
    const expiresAt = capExpiry(input.expires_in ? new Date(Date.now() + parseDuration(input.expires_in)) : null, notAfter);
    const scopes = input.scopes ? SCOPES.filter((s) => input.scopes!.includes(s)) : [...SCOPES];
    const key = generateApiKey();
    await this.repo.transaction(async (tx) => {
      const teamId = await this.boundTeam(tx, owner);
      const id = randomUUID();
      const holder = await this.repo.findHolder(tx, owner.userId, input.name);
      if (holder) {
        if (!holder.expiresAt || holder.expiresAt > new Date()) {
          throw new ApiError('conflict', `An API key named "${input.name}" already exists for this user`);
        }
        await this.repo.markReplaced(tx, owner.userId, holder.id, id, holder.expiresAt);
      }
      await this.repo.insert(tx, {
        id,
        userId: owner.userId,
        teamId,
        name: input.name,
        keyHash: key.hash,
        prefix: key.prefix,
        scopes,
        source: 'api',
        expiresAt,
      });
    });
    return { key: key.raw, name: input.name, prefix: key.prefix, expires_at: iso(expiresAt), scopes };
  }

  /** Every key of the user, newest first: never a hash or a raw key. */
  async list(userId: string): Promise<ApiKeyView[]> {
    return (await this.repo.listForUser(userId)).map(view);
  }

  /** One page of the user's keys, newest first. */
  async page(userId: string, q: ListPageQuery): Promise<{ data: ApiKeyView[]; next_cursor: string | null }> {
    const page = await this.pageForUsers([userId], q);
    return { data: page.data.map(({ view }) => view), next_cursor: page.next_cursor };
  }

  /** One page of the keys of several users, newest first, each with its user's id. */
  async pageForUsers(userIds: string[], q: ListPageQuery): Promise<{ data: { userId: string; view: ApiKeyView }[]; next_cursor: string | null }> {
    const key = cursorKey(q.cursor);
    const bar = key?.indexOf('|') ?? -1;
    const after = key !== undefined ? { createdAt: new Date(bar > 0 ? key.slice(0, bar) : ''), id: key.slice(bar + 1) } : undefined;
    if (after && (Number.isNaN(after.createdAt.getTime()) || !UUID_RE.test(after.id)))
      throw new ApiError('validation_failed', 'cursor is not one this list gave');
    const rows = userIds.length === 0 ? [] : await this.repo.listForUsers(userIds, q.limit + 1, after);
    const page = pageOf(rows, q.limit, (k) => `${k.createdAt.toISOString()}|${k.id}`);
    return { data: page.rows.map((k) => ({ userId: k.userId, view: view(k) })), next_cursor: page.next_cursor };
  }

  /** Revokes the key named `name` (and its rotated-out predecessors). 404 when there is none. */
  async revoke(userId: string, name: string): Promise<ApiKeyView> {
    const hashes = await this.repo.transaction(async (tx) => {
      const keys = await this.repo.findUnrevokedByName(tx, userId, name);
      if (keys.length === 0) throw ApiError.notFound('API key');
      this.refuseManaged(keys[0]);
      return this.repo.revoke(
        tx,
        userId,
        keys.map((k) => k.id),
      );
    });
    hashes.forEach((h) => this.cache.invalidateKey(h));
    const rows = await this.repo.listForUser(userId);
    return view(rows.find((r) => r.name === name)!);
  }

  /**
   * A new key under the same name, scopes and lifetime; the old one keeps
   * working until `overlap` (default 24h) has passed, or its own expiry if sooner.
   */
  async rotate(userId: string, name: string, body: RotateApiKeyInput | unknown = {}, notAfter?: Date): Promise<CreatedApiKey> {
    const input = parseWith(rotateApiKeySchema, body ?? {});
    const overlapMs = parseDuration(input.overlap ?? DEFAULT_ROTATION_OVERLAP);
    const key = generateApiKey();
    const now = Date.now();
    const created = await this.repo.transaction(async (tx) => {
      const old = await this.repo.findHolder(tx, userId, name);
      if (!old) throw ApiError.notFound('API key');
      this.refuseManaged(old);
      const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
      const oldEnds = Math.min(now + overlapMs, old.expiresAt?.getTime() ?? Infinity);
      const id = randomUUID();
      await this.repo.markReplaced(tx, userId, old.id, id, new Date(oldEnds));
      return this.repo.insert(tx, {
        id,
        userId,
        teamId: old.teamId,
        name,
        keyHash: key.hash,
        prefix: key.prefix,
        scopes: old.scopes,
        source: old.source,
        expiresAt: capExpiry(lifetime === null ? null : new Date(now + lifetime), notAfter),
      });
    });
    // The old key's new expiry must hold here at once, not when the change notice arrives.
    this.cache.invalidateUser(userId);
    return { key: key.raw, name, prefix: key.prefix, expires_at: iso(created.expiresAt), scopes: created.scopes as Scope[] };
  }

  /** Revokes every key of the user (before the user is deleted). Returns how many. */
  async revokeAllForUser(userId: string): Promise<number> {
    const hashes = await this.repo.transaction((tx) => this.repo.revoke(tx, userId));
    this.cache.invalidateUser(userId);
    return hashes.length;
  }

  private refuseManaged(row: KeyRow): void {
    if (row.source === 'keys_file') {
      throw new ApiError('conflict', 'This key comes from the tenant keys file; change the file instead');
    }
  }

  /** A service account's keys act only in its team. */
  private async boundTeam(tx: Tx, owner: KeyOwner): Promise<string | null> {
    const user = await this.repo.userKind(tx, owner.userId);
    if (!user) throw ApiError.notFound('user');
    if (owner.teamId !== undefined) return owner.teamId;
    return user.kind === 'service' && user.memberships.length === 1 ? user.memberships[0].teamId : null;
  }
}
