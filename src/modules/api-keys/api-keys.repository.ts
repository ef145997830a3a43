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

const ONE_STATEMENT = { transaction: false } as const;

/**
 * The only Prisma user for API keys. Keys belong to a user, so every method
 * takes the user id first (or the key hash, for authentication).
 */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  // Keys belong to users, and users to any number of teams: key work is cross-team, on the system path.
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.system(fn);
  }

  /** A key by hash with its user's identity, for authentication. */
  findByHash(hash: string): Promise<(KeyRow & { user: IdentityRow }) | null> {
    // Before any team is known (authentication): system, one statement without a transaction.
    return this.prisma.system((db) => db.apiKey.findUnique({ where: { keyHash: hash }, select: { ...KEY_FIELDS, user: { select: IDENTITY } } }), ONE_STATEMENT);
  }

  findIdentityByEmail(email: string): Promise<IdentityRow | null> {
    // Authentication (OIDC): before any team is known.
    return this.prisma.system((db) => db.user.findUnique({ where: { email }, select: IDENTITY }), ONE_STATEMENT);
  }

  findIdentity(userId: string): Promise<IdentityRow | null> {
    // A user's memberships span teams.
    return this.prisma.system((db) => db.user.findUnique({ where: { id: userId }, select: IDENTITY }), ONE_STATEMENT);
  }

  anyKeyExists(): Promise<boolean> {
    // Whether any credential exists anywhere (the auth_not_configured answer).
    return this.prisma.system((db) => db.apiKey.findFirst({ select: { id: true } }), ONE_STATEMENT).then((r) => r !== null);
  }

  /** Newest first, after `after` (the last key of the previous page), at most `take`. */
  listForUser(userId: string, take?: number, after?: { createdAt: Date; id: string }): Promise<KeyRow[]> {
    return this.listForUsers([userId], take, after);
  }

  /** The keys of several users (a team's service accounts), newest first, keyset after `after`. */
  listForUsers(userIds: string[], take?: number, after?: { createdAt: Date; id: string }): Promise<KeyRow[]> {
    const where = {
      userId: { in: userIds },
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
    };
    // Users' keys, whichever team they act in.
    return this.prisma.system((db) => db.apiKey.findMany({ where, select: KEY_FIELDS, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take }), ONE_STATEMENT);
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
    // Usage of keys of every team, flushed in one batch.
    await this.prisma.system(
      (db) => db.$executeRaw`
      UPDATE api_keys AS k SET last_used_at = u.ts
      FROM (SELECT unnest(${ids}::uuid[]) AS id, unnest(${times}::timestamptz[]) AS ts) AS u
      WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.ts)`,
      ONE_STATEMENT,
    );
  }
}
