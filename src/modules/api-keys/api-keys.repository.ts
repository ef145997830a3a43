import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService, type Tx } from '../../platform/database/prisma.service.js';

const IDENTITY = {
  id: true,
  email: true,
  kind: true,
  isAdmin: true,
  memberships: { select: { teamId: true, role: true, team: { select: { slug: true } } } },
} as const;

export interface IdentityRow {
  id: string;
  email: string;
  kind: string;
  isAdmin: boolean;
  memberships: { teamId: string; role: string; team: { slug: string } }[];
}

export interface KeyRow {
  id: string;
  userId: string;
  teamId: string | null;
  name: string;
  prefix: string;
  scopes: string[];
  source: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  replacedById: string | null;
  createdAt: Date;
}

const KEY_FIELDS = {
  id: true,
  userId: true,
  teamId: true,
  name: true,
  prefix: true,
  scopes: true,
  source: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  replacedById: true,
  createdAt: true,
} as const;

export interface NewKeyRow {
  id?: string;
  userId: string;
  teamId: string | null;
  name: string;
  keyHash: string;
  prefix: string;
  scopes: string[];
  source: string;
  expiresAt: Date | null;
}

/**
 * The only Prisma user for API keys. Keys belong to a user, so every method
 * takes the user id first (or the key hash, for authentication).
 */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  /** A key by hash with its user's identity, for authentication. */
  findByHash(hash: string): Promise<(KeyRow & { user: IdentityRow }) | null> {
    return this.prisma.apiKey.findUnique({ where: { keyHash: hash }, select: { ...KEY_FIELDS, user: { select: IDENTITY } } });
  }

  findIdentityByEmail(email: string): Promise<IdentityRow | null> {
    return this.prisma.user.findUnique({ where: { email }, select: IDENTITY });
  }

  findIdentity(userId: string): Promise<IdentityRow | null> {
    return this.prisma.user.findUnique({ where: { id: userId }, select: IDENTITY });
  }

  anyKeyExists(): Promise<boolean> {
    return this.prisma.apiKey.findFirst({ select: { id: true } }).then((r) => r !== null);
  }

  listForUser(userId: string): Promise<KeyRow[]> {
    return this.prisma.apiKey.findMany({ where: { userId }, select: KEY_FIELDS, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
  }

  /** The key that currently holds `name` (not revoked, not rotated out). */
  findHolder(tx: Tx, userId: string, name: string): Promise<(KeyRow & { keyHash: string }) | null> {
    return tx.apiKey.findFirst({ where: { userId, name, revokedAt: null, replacedById: null }, select: { ...KEY_FIELDS, keyHash: true } });
  }

  /** Live keys named `name`: the holder plus rotated-out keys still inside their overlap. */
  findUnrevokedByName(tx: Tx, userId: string, name: string): Promise<(KeyRow & { keyHash: string })[]> {
    return tx.apiKey.findMany({ where: { userId, name, revokedAt: null }, select: { ...KEY_FIELDS, keyHash: true } });
  }

  async insert(tx: Tx, row: NewKeyRow): Promise<KeyRow> {
    return tx.apiKey.create({ data: { ...row, id: row.id ?? randomUUID() }, select: KEY_FIELDS });
  }

  /** Frees the name: the key stays valid until `expiresAt`. */
  async markReplaced(tx: Tx, userId: string, keyId: string, replacedById: string, expiresAt: Date | null): Promise<void> {
    await tx.apiKey.updateMany({ where: { id: keyId, userId }, data: { replacedById, expiresAt } });
  }

  /** Revokes the given keys (or all of the user's) and returns the hashes revoked. */
  async revoke(tx: Tx, userId: string, keyIds?: string[]): Promise<string[]> {
    const where = { userId, revokedAt: null, ...(keyIds ? { id: { in: keyIds } } : {}) };
    const rows = await tx.apiKey.findMany({ where, select: { keyHash: true } });
    await tx.apiKey.updateMany({ where, data: { revokedAt: new Date() } });
    return rows.map((r) => r.keyHash);
  }

  userKind(tx: Tx, userId: string): Promise<{ kind: string; memberships: { teamId: string }[] } | null> {
    return tx.user.findUnique({ where: { id: userId }, select: { kind: true, memberships: { select: { teamId: true } } } });
  }

  /** One statement for a batch of usage times; never moves last_used_at backwards. */
  async touch(usage: Map<string, Date>): Promise<void> {
    if (usage.size === 0) return;
    const ids = [...usage.keys()];
    const times = ids.map((id) => usage.get(id)!.toISOString());
    await this.prisma.$executeRaw`
      UPDATE api_keys AS k SET last_used_at = u.ts
      FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${times}::timestamptz[]) AS ts) AS u
      WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.ts)`;
  }
}
