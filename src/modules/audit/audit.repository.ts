import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../platform/database/prisma.service.js';
import { GENESIS_HASH, chainHash, type ChainedFields } from './audit-chain.js';

/** Advisory lock namespace for the per-team audit chains. */
const CHAIN_LOCK = 7270200;

export type AuditRow = ChainedFields & { seq: bigint; prevHash: string; hash: string };

export interface AuditFilter {
  /** Omitted: every team (admin view). `null`: the global chain. */
  teamId?: string | null;
  /** Admin view: events of a team by slug (also after the team was deleted). */
  teamSlug?: string;
  action?: string;
  outcome?: string;
  actorId?: string;
  actorEmail?: string;
  actorPrefix?: string;
  since?: Date;
  until?: Date;
}

export interface AuditCursor {
  ts: Date;
  seq: bigint;
}

/**
 * Appends to the team's chain inside `tx`. The per-team advisory lock holds
 * until `tx` ends, so concurrent writers link one after another. A plain
 * function so processes without the Nest app (the CLI) write the same links.
 */
export async function appendAuditEvent(tx: Tx, fields: Omit<ChainedFields, 'id' | 'ts'>): Promise<AuditRow> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK}::int, hashtext(${fields.teamId ?? 'global'}))`;
  const last = await tx.auditEvent.findFirst({ where: { teamId: fields.teamId }, orderBy: { seq: 'desc' }, select: { hash: true } });
  const prevHash = last?.hash ?? GENESIS_HASH;
  const full: ChainedFields = { ...fields, id: randomUUID(), ts: new Date() };
  const hash = chainHash(prevHash, full);
  const row = await tx.auditEvent.create({
    data: { ...full, details: (full.details ?? {}) as Prisma.InputJsonValue, prevHash, hash },
  });
  return row as AuditRow;
}

/** A change made by Mantis itself (imports, CLI), with no request behind it. */
export function systemEvent(e: {
  team: { id: string; slug: string } | null;
  action: string;
  target: { type: string; id: string | null };
  details?: Record<string, unknown>;
}): Omit<ChainedFields, 'id' | 'ts'> {
  return {
    teamId: e.team?.id ?? null,
    teamSlug: e.team?.slug ?? null,
    actorType: 'system',
    actorId: null,
    actorEmail: null,
    actorPrefix: null,
    authMethod: null,
    action: e.action,
    targetType: e.target.type,
    targetId: e.target.id,
    outcome: 'success',
    status: null,
    ip: null,
    userAgent: null,
    requestId: null,
    details: e.details ?? {},
  };
}

/** The only Prisma user of audit_events (append and read; the table refuses the rest). */
@Injectable()
export class AuditRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  /** A team's chain in its scope; the global chain (null) and cross-team listings on the system path. */
  private scoped<T>(teamId: string | null, fn: () => Promise<T>): Promise<T> {
    return teamId ? this.prisma.withTeam(teamId, fn) : this.prisma.system(fn, { transaction: false });
  }

  /**
   * Appends to the team's chain inside `tx`. The per-team advisory lock holds
   * until `tx` ends, so concurrent writers link one after another.
   */
  append(tx: Tx, fields: Omit<ChainedFields, 'id' | 'ts'>): Promise<AuditRow> {
    return appendAuditEvent(tx, fields);
  }

  /** One page, newest first (or oldest first), keyset on (ts, seq). */
  async page(filter: AuditFilter, limit: number, cursor?: AuditCursor, direction: 'desc' | 'asc' = 'desc'): Promise<AuditRow[]> {
    const where: Prisma.AuditEventWhereInput = this.where(filter);
    if (cursor) {
      const before = direction === 'desc';
      where.AND = [
        { ts: before ? { lte: cursor.ts } : { gte: cursor.ts } },
        { OR: [{ ts: before ? { lt: cursor.ts } : { gt: cursor.ts } }, { ts: cursor.ts, seq: before ? { lt: cursor.seq } : { gt: cursor.seq } }] },
      ];
    }
    const rows = await this.scoped(filter.teamId ?? null, () =>
      this.prisma.auditEvent.findMany({ where, orderBy: [{ ts: direction }, { seq: direction }], take: limit }),
    );
    return rows as AuditRow[];
  }

  /** A chain in link order, in batches (for verification). */
  async chainBatch(teamId: string | null, afterSeq: bigint, limit: number): Promise<AuditRow[]> {
    const rows = await this.scoped(teamId, () =>
      this.prisma.auditEvent.findMany({ where: { teamId, seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take: limit }),
    );
    return rows as AuditRow[];
  }

  /** The newest link of a chain, if any. */
  async head(teamId: string | null): Promise<AuditRow | null> {
    const row = await this.scoped(teamId, () => this.prisma.auditEvent.findFirst({ where: { teamId }, orderBy: { seq: 'desc' } }));
    return row as AuditRow | null;
  }

  private where(f: AuditFilter): Prisma.AuditEventWhereInput {
    const where: Prisma.AuditEventWhereInput = {};
    if (f.teamId !== undefined) where.teamId = f.teamId;
    if (f.teamSlug) where.teamSlug = f.teamSlug;
    if (f.action) where.action = f.action;
    if (f.outcome) where.outcome = f.outcome;
    if (f.actorId) where.actorId = f.actorId;
    if (f.actorEmail) where.actorEmail = f.actorEmail;
    if (f.actorPrefix) where.actorPrefix = f.actorPrefix;
    if (f.since || f.until) where.ts = { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lt: f.until } : {}) };
    return where;
  }

  async userIdByEmail(email: string): Promise<string | null> {
    // Users span teams (an actor filter by email).
    const u = await this.prisma.system(() => this.prisma.user.findUnique({ where: { email }, select: { id: true } }), { transaction: false });
    return u?.id ?? null;
  }
}
