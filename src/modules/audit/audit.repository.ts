import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PrismaService, type TextRow, type Tx } from '../../platform/database/prisma.service.js';
import { UUID, type Statement } from '../../platform/database/team-scope.js';
import pg from 'pg';
import { CANONICAL_COLUMNS, GENESIS_HASH, canonicalEvent, type ChainedFields } from './audit-chain.js';
import { LINE_COLUMNS, PAGE_COLUMNS } from './audit-format.js';

/** A chain batch's columns: `seq` (int8), `prev_hash` and `hash` (text), then `CANONICAL_COLUMNS` from `CHAIN_CANONICAL`. */
export const CHAIN_COLUMNS: readonly string[] = ['(seq)::int8', '(prev_hash)::text', '(hash)::text', ...CANONICAL_COLUMNS];
export const CHAIN_CANONICAL = 3;

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
  /**
   * Pages only: an actor named by email, looked up in the page's own query:
   * the user with that email (any team's) by id, else the events that carry
   * the email (`actorId` / `actorEmail` as the exports resolve it first).
   */
  actorByEmail?: string;
  actorPrefix?: string;
  since?: Date;
  until?: Date;
}

export interface AuditCursor {
  ts: Date;
  seq: bigint;
}

/** The stored columns of an event, in the order `appendStatements` binds them (`$1`…`$18`). */
const APPEND_COLUMNS =
  'id, ts, team_id, team_slug, actor_type, actor_id, actor_email, actor_prefix, auth_method, ' +
  'action, target_type, target_id, outcome, status, ip, user_agent, request_id, details';

/** What the append returns: the row as Prisma's `AuditRow` (through Prisma) or as pg maps it. */
const RETURNED =
  'id, seq, ts, team_id AS "teamId", team_slug AS "teamSlug", actor_type AS "actorType", actor_id AS "actorId", ' +
  'actor_email AS "actorEmail", actor_prefix AS "actorPrefix", auth_method AS "authMethod", action, target_type AS "targetType", ' +
  'target_id AS "targetId", outcome, status, ip, user_agent AS "userAgent", request_id AS "requestId", details, prev_hash AS "prevHash", hash';

/**
 * The two statements that append an event to its chain (the team's, or the
 * global one): the chain's advisory lock, held until the transaction ends so
 * concurrent writers link one after another, then the insert, which reads
 * the chain's last hash in a snapshot taken after the lock and hashes
 * `prev_hash ‖ canonical event` in PostgreSQL (`sha256`, the same bytes
 * `chainHash` hashes: the hex text of `prev_hash`, then the UTF-8 of the
 * canonical JSON). Two statements, not three round trips; in a batch
 * transaction they go with the change in one.
 */
export function appendStatements(fields: Omit<ChainedFields, 'id' | 'ts'>): Statement[] {
  const full: ChainedFields = { ...fields, id: randomUUID(), ts: new Date() };
  const chain = full.teamId === null ? 'team_id IS NULL' : 'team_id = $3::uuid';
  return [
    { text: `SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${CHAIN_LOCK}::int, hashtext($1::text))) l`, values: [full.teamId ?? 'global'] },
    {
      text:
        `INSERT INTO audit_events (${APPEND_COLUMNS}, prev_hash, hash) ` +
        'SELECT $1::uuid, $2::timestamptz, $3::uuid, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::int, $15, $16, $17, $18::jsonb, ' +
        "p.prev, encode(sha256(convert_to(p.prev, 'UTF8') || $19::bytea), 'hex') " +
        `FROM (SELECT coalesce((SELECT hash FROM audit_events WHERE ${chain} ORDER BY seq DESC LIMIT 1), '${GENESIS_HASH}') AS prev) p ` +
        `RETURNING ${RETURNED}`,
      values: [
        full.id,
        full.ts.toISOString(),
        full.teamId,
        full.teamSlug,
        full.actorType,
        full.actorId,
        full.actorEmail,
        full.actorPrefix,
        full.authMethod,
        full.action,
        full.targetType,
        full.targetId,
        full.outcome,
        full.status,
        full.ip,
        full.userAgent,
        full.requestId,
        JSON.stringify(full.details ?? {}),
        Buffer.from(canonicalEvent(full), 'utf8'),
      ],
    },
  ];
}

/**
 * Appends to the chain inside `tx` (see `appendStatements`). A plain
 * function so processes without the Nest app (the CLI) write the same links.
 */
export async function appendAuditEvent(tx: Tx, fields: Omit<ChainedFields, 'id' | 'ts'>): Promise<AuditRow> {
  const [lock, insert] = appendStatements(fields);
  await tx.$queryRawUnsafe(lock.text, ...lock.values);
  const [row] = await tx.$queryRawUnsafe<AuditRow[]>(insert.text, ...insert.values);
  return row;
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

/** The columns of a bulk read, in the order `rowOf` reads them (`ts` as epoch milliseconds). */
const BULK_COLUMNS =
  'id, seq, (extract(epoch from ts) * 1000)::int8, team_id, team_slug, actor_type, actor_id, actor_email, actor_prefix, auth_method, ' +
  'action, target_type, target_id, outcome, status, ip, user_agent, request_id, details, prev_hash, hash';

/** A bulk-read row as the same `AuditRow` Prisma returns (Int as number, BigInt seq, Date ts, parsed details). */
function rowOf(c: TextRow): AuditRow {
  return {
    id: c[0]!,
    seq: BigInt(c[1]!),
    ts: new Date(Number(c[2])),
    teamId: c[3],
    teamSlug: c[4],
    actorType: c[5]!,
    actorId: c[6],
    actorEmail: c[7],
    actorPrefix: c[8],
    authMethod: c[9],
    action: c[10]!,
    targetType: c[11],
    targetId: c[12],
    outcome: c[13]!,
    status: c[14] === null ? null : Number(c[14]),
    ip: c[15],
    userAgent: c[16],
    requestId: c[17],
    details: JSON.parse(c[18]!) as unknown,
    prevHash: c[19]!,
    hash: c[20]!,
  };
}

/**
 * The WHERE conditions of a filter and, past `keyset`, of the next page in
 * (ts, seq) order (`after`: ascending). `bind` puts a value in the statement
 * as the given type (a parameter, or a quoted literal where COPY takes none).
 * The keyset's `ts` bound alone lets an index on (team, action or actor, ts)
 * seek to it; the row comparison settles ties on `seq`.
 */
function conditions(f: AuditFilter, bind: (v: string, type: string) => string, keyset?: { ts: string; seq: string; after: boolean }): string[] {
  const where: string[] = [];
  if (f.teamId === null) where.push('team_id IS NULL');
  else if (f.teamId !== undefined) where.push(`team_id = ${bind(f.teamId, 'uuid')}`);
  if (f.teamSlug) where.push(`team_slug = ${bind(f.teamSlug, 'text')}`);
  if (f.action) where.push(`action = ${bind(f.action, 'text')}`);
  if (f.outcome) where.push(`outcome = ${bind(f.outcome, 'text')}`);
  if (f.actorId) where.push(`actor_id = ${bind(f.actorId, 'text')}`);
  if (f.actorEmail) where.push(`actor_email = ${bind(f.actorEmail, 'text')}`);
  if (f.actorPrefix) where.push(`actor_prefix = ${bind(f.actorPrefix, 'text')}`);
  if (f.since) where.push(`ts >= ${bind(f.since.toISOString(), 'timestamptz')}`);
  if (f.until) where.push(`ts < ${bind(f.until.toISOString(), 'timestamptz')}`);
  if (keyset) {
    const ts = bind(keyset.ts, 'timestamptz');
    const [bound, past] = keyset.after ? ['>=', '>'] : ['<=', '<'];
    where.push(`ts ${bound} ${ts}`, `(ts, seq) ${past} (${ts}, ${bind(keyset.seq, 'int8')})`);
  }
  return where;
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

  /**
   * One page, newest first (or oldest first), keyset on (ts, seq) past
   * `cursor`: rows of `PAGE_COLUMNS` (see `pageJson`), as one read in
   * the filter's team scope (the system path for the global chain and the
   * admin's views), without Prisma's transaction and row mapping.
   */
  pageRows(filter: AuditFilter, limit: number, cursor?: AuditCursor, direction: 'desc' | 'asc' = 'desc'): Promise<TextRow[]> {
    const values: unknown[] = [];
    const param = (v: string, type: string) => `$${values.push(v)}::${type}`;
    const keyset = cursor ? { ts: cursor.ts.toISOString(), seq: String(cursor.seq), after: direction === 'asc' } : undefined;
    const { actorByEmail, ...rest } = filter;
    const where = conditions(rest, param, keyset);
    // The table's columns in ORDER BY: output columns of the same names are their texts.
    const order = direction === 'asc' ? 'audit_events.ts, audit_events.seq' : 'audit_events.ts DESC, audit_events.seq DESC';
    const bound = param(String(limit), 'int4');
    const select = (conds: string[]) => `SELECT * FROM audit_events${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${bound}`;
    let from = 'audit_events';
    if (actorByEmail) {
      // Two branches, of which only one can hold rows, each an index scan of its own (one query with
      // an OR between them could not use the actor index in page order): the user's events by id, or,
      // when no user has the email, the events that carry it. `users` has no team rows: the lookup
      // sees every user from any scope, as the exports' lookup on the system path does.
      const email = param(actorByEmail, 'text');
      from =
        `((${select([...where, `actor_id = (SELECT id::text FROM users WHERE email = ${email})`])}) UNION ALL ` +
        `(${select([...where, `actor_email = ${email}`, `NOT EXISTS (SELECT 1 FROM users WHERE email = ${email})`])})) audit_events`;
    } else if (where.length) from = `audit_events WHERE ${where.join(' AND ')}`;
    const sql = `SELECT ${PAGE_COLUMNS.join(', ')} FROM ${from} ORDER BY ${order} LIMIT ${bound}`;
    return this.prisma.readRows(typeof filter.teamId === 'string' ? filter.teamId : null, sql, values);
  }

  /**
   * A chain in link order, in batches (for verification), as the bytes of a
   * binary COPY of `CHAIN_COLUMNS` in the chain's own scope (its team, or the
   * system path for the global chain).
   */
  chainBatch(teamId: string | null, afterSeq: bigint, limit: number): Promise<Buffer> {
    // COPY takes no parameters: only a checked uuid and integers go into the statement. The table's
    // `seq` in ORDER BY: the output column of the same name is its text, which sorts differently.
    if (teamId !== null && !UUID.test(teamId)) throw new Error('chainBatch: team id must be a uuid');
    if (!Number.isSafeInteger(limit)) throw new Error('chainBatch: limit must be an integer');
    const team = teamId === null ? 'team_id IS NULL' : `team_id = '${teamId}'::uuid`;
    return this.prisma.copyRows(
      teamId,
      `SELECT ${CHAIN_COLUMNS.join(', ')} FROM audit_events WHERE ${team} AND seq > ${BigInt(afterSeq)} ORDER BY audit_events.seq LIMIT ${limit}`,
    );
  }

  /**
   * The next batch of an export, oldest first, keyset on (ts, seq) after
   * `cursor`: the filters of `page`, as one bulk read in the filter's team
   * scope (the system path for the global chain and the admin's views).
   */
  async exportBatch(filter: AuditFilter, limit: number, cursor?: AuditCursor): Promise<AuditRow[]> {
    const values: unknown[] = [];
    const param = (v: string, type: string) => `$${values.push(v)}::${type}`;
    const where = conditions(filter, param, cursor ? { ts: cursor.ts.toISOString(), seq: String(cursor.seq), after: true } : undefined);
    const sql =
      `SELECT ${BULK_COLUMNS} FROM audit_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY ts, seq LIMIT ${param(String(limit), 'int4')}`;
    const rows = await this.prisma.readRows(typeof filter.teamId === 'string' ? filter.teamId : null, sql, values);
    return rows.map(rowOf);
  }

  /**
   * The next batch of an NDJSON export as the bytes of a binary COPY of
   * `LINE_COLUMNS`: the filters and keyset of `exportBatch`. COPY takes no
   * parameters: the filter's texts go in as quoted literals (pg's
   * `escapeLiteral`), the team as a checked uuid, the cursor's `seq` as an
   * integer (`ts` as an ISO text with microseconds, or `infinity`).
   */
  lineBatch(filter: AuditFilter, limit: number, cursor: { ts: string; seq: string } | null): Promise<Buffer> {
    if (typeof filter.teamId === 'string' && !UUID.test(filter.teamId)) throw new Error('lineBatch: team id must be a uuid');
    if (!Number.isSafeInteger(limit)) throw new Error('lineBatch: limit must be an integer');
    const text = (v: string) => {
      // PostgreSQL text holds no NUL, and a NUL would end the statement early.
      if (v.includes('\0')) throw new Error('lineBatch: a filter holds a NUL character');
      return pg.escapeLiteral(v);
    };
    const where = conditions(filter, (v, type) => `${text(v)}::${type}`, cursor ? { ts: cursor.ts, seq: String(BigInt(cursor.seq)), after: true } : undefined);
    // The table's columns in ORDER BY: output columns of the same names are their texts.
    const sql =
      `SELECT ${LINE_COLUMNS.join(', ')} FROM audit_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ` +
      `ORDER BY audit_events.ts, audit_events.seq LIMIT ${limit}`;
    return this.prisma.copyRows(typeof filter.teamId === 'string' ? filter.teamId : null, sql);
  }

  /** The newest link of a chain, if any. */
  async head(teamId: string | null): Promise<AuditRow | null> {
    const row = await this.scoped(teamId, () => this.prisma.auditEvent.findFirst({ where: { teamId }, orderBy: { seq: 'desc' } }));
    return row as AuditRow | null;
  }

  async userIdByEmail(email: string): Promise<string | null> {
    // Users span teams (an actor filter by email): the system path, one read on the pool, as the page that follows.
    const [row] = await this.prisma.readRows(null, 'SELECT id FROM users WHERE email = $1::text', [email]);
    return row?.[0] ?? null;
  }
}
