import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { PrismaService, type Tx } from '../../platform/database/prisma.service.js';
import type { TxPart } from '../../platform/database/team-scope.js';
import { requestAudit } from '../../platform/http/request-audit.js';
import { LOGGER } from '../../platform/http/logger.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { hash } from 'node:crypto';
import { intAt, intText, timestampText, uuidText } from './audit-binary.js';
import { ByteWriter, CopyTuples } from './audit-bytes.js';
import { CANONICAL_ID, CANONICAL_TS, GENESIS_HASH, writeCanonical, type ChainedFields } from './audit-chain.js';
import { LINE_COLUMNS, LINE_SEQ, LINE_TS, pageJson, writeEventLine } from './audit-format.js';
import { actorOf, requestMeta } from './audit-request.js';
import { auditActionOf, type AuditSpec } from './audit.decorator.js';
import { AuditRepository, appendStatements, CHAIN_CANONICAL, CHAIN_COLUMNS, type AuditCursor, type AuditFilter, type AuditRow } from './audit.repository.js';
import type { AuditEventInput, AuditOutcome } from './audit.types.js';

/** Detail keys whose values are never written, whatever they hold. */
const SECRET_KEYS = /^(value|token|key|raw_key|secret|password|authorization|api_key|client_secret)$/i;

/** Anything longer than a key's public prefix (`mk_` + 6 hex) is a key; bearer values are tokens. */
const KEY_TEXT = /mk_[0-9a-fA-F]{7,}/g;
const BEARER_TEXT = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;

function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(KEY_TEXT, 'mk_[REDACTED]').replace(BEARER_TEXT, '$1[REDACTED]');
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = SECRET_KEYS.test(k) ? '[REDACTED]' : redact(v, depth + 1);
  }
  return out;
}

function cleanDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(redact(details ?? {}))) as Record<string, unknown>;
}

/** The stored fields of an event (details redacted). */
function fieldsOf(event: AuditEventInput): Omit<ChainedFields, 'id' | 'ts'> {
  return {
    teamId: event.team?.id ?? null,
    teamSlug: event.team?.slug ?? null,
    actorType: event.actor.type,
    actorId: event.actor.id ?? null,
    actorEmail: event.actor.email ?? null,
    actorPrefix: event.actor.prefix ?? null,
    authMethod: event.authMethod ?? null,
    action: event.action,
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    outcome: event.outcome,
    status: event.status ?? null,
    ip: event.ip ?? null,
    userAgent: event.userAgent ?? null,
    requestId: event.requestId ?? null,
    details: cleanDetails(event.details),
  };
}

/** Rows per bulk read of an export and of a chain walk. */
const EXPORT_BATCH = 5000;
const VERIFY_BATCH = 5000;

/**
 * Keyset batches, each requested as soon as the one before it arrives, so
 * the database reads the next batch while the caller works on this one. At
 * most one read is ahead; a caller that stops early leaves it to finish and
 * release its connection on its own. `after` names the key after a full
 * batch (undefined: that was the last); empty batches are not yielded.
 */
async function* prefetched<B, K>(read: (key: K) => Promise<B>, after: (b: B) => K | undefined, size: (b: B) => number, first: K): AsyncGenerator<B> {
  let next: Promise<B> | null = read(first);
  while (next) {
    const b: B = await next;
    const key = after(b);
    next = key === undefined ? null : read(key);
    next?.catch(() => undefined); // awaited on the next turn; a caller gone by then does not leave it unhandled
    if (size(b)) yield b;
  }
}

/** A chain batch as read: the binary COPY's bytes, its number of links and the last one's `seq`. */
interface ChainBatch {
  buf: Buffer;
  count: number;
  lastSeq: bigint;
}

function chainBatchOf(buf: Buffer): ChainBatch {
  const t = new CopyTuples(buf, CHAIN_COLUMNS.length);
  let count = 0;
  while (t.next()) count++;
  // After the last tuple the reader still holds its fields.
  return { buf, count, lastSeq: count ? BigInt(intText(t.buf, t.at(0, 8), 8)) : 0n };
}

/** An NDJSON export batch as read: the binary COPY's bytes, its number of events and the last one's keyset. */
interface LineBatch {
  buf: Buffer;
  count: number;
  last: { ts: string; seq: string } | null;
}

function lineBatchOf(buf: Buffer): LineBatch {
  const t = new CopyTuples(buf, LINE_COLUMNS.length);
  let count = 0;
  while (t.next()) count++;
  if (!count) return { buf, count, last: null };
  // The cursor's time to the microsecond: exact whatever the column's precision.
  const ts = t.buf.readInt32BE(t.at(LINE_TS, 8)) < 0 ? '-infinity' : 'infinity';
  return { buf, count, last: { ts: timestampText(t.buf, t.at(LINE_TS, 8), 6) ?? ts, seq: intText(t.buf, t.at(LINE_SEQ, 8), 8) } };
}

/** A link's `seq` (int8). */
const seqOf = (t: CopyTuples) => intAt(t.buf, t.at(0, 8), 8);

/** Events written or links checked between two turns of the event loop. */
const SLICE = 1000;

/** A turn of the event loop: pending I/O (the read of the next batch) runs before the caller goes on. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A chain walk's state from link to link: the previous link's hash (as a
 * span of the bytes it was read in), the count, the watched link's hash, the
 * first broken link. Nothing per link is kept or allocated but its digest.
 */
class ChainCheck {
  private prevBuf: Buffer = Buffer.from(GENESIS_HASH);
  private prevStart = 0;
  private prevLen = GENESIS_HASH.length;
  private checked = 0;
  private broken: VerifyResult['first_broken'] = null;
  private readonly w = new ByteWriter();
  watched: string | undefined;

  constructor(private readonly watch: number | undefined) {}

  /**
   * Checks up to `max` links of `t` from its current tuple: `prev_hash`
   * equals the previous link's `hash`, and `hash` is the hex of
   * sha256(`prev_hash` ‖ canonical) (`writeCanonical`). False at the first
   * link that fails either, which it names.
   */
  links(t: CopyTuples, max: number): boolean {
    const w = this.w;
    for (let i = 0; i < max && t.next(); i++) {
      let reason: 'prev_hash_mismatch' | 'hash_mismatch' | null = null;
      if (!t.equals(1, this.prevBuf, this.prevStart, this.prevLen)) reason = 'prev_hash_mismatch';
      else {
        w.pos = 0;
        w.bytes(t.buf, t.start[1], t.len[1]);
        writeCanonical(w, t, CHAIN_CANONICAL);
        // Hex (the default output): a string is cheaper to return than a Buffer.
        if (!t.equalsAscii(2, hash('sha256', w.buf.subarray(0, w.pos)))) reason = 'hash_mismatch';
      }
      if (reason) {
        const id = uuidText(t.buf, t.at(CHAIN_CANONICAL + CANONICAL_ID, 16));
        const ts = timestampText(t.buf, t.at(CHAIN_CANONICAL + CANONICAL_TS, 8), 3)!;
        this.broken = { id, seq: seqOf(t), ts, reason };
        return false;
      }
      if (this.watch !== undefined && seqOf(t) === this.watch) this.watched = t.text(2)!;
      this.prevBuf = t.buf;
      this.prevStart = t.start[2];
      this.prevLen = t.len[2];
      this.checked++;
    }
    return true;
  }

  result(): VerifyResult {
    const last_hash = this.prevBuf.toString('utf8', this.prevStart, this.prevStart + this.prevLen);
    return { ok: this.broken === null, checked: this.checked, last_hash, first_broken: this.broken };
  }
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  last_hash: string;
  first_broken: { id: string; seq: number; ts: string; reason: 'prev_hash_mismatch' | 'hash_mismatch' } | null;
}

export interface Checkpoint {
  seq: number;
  hash: string;
}

export type CheckpointReason = 'signature_invalid' | 'team_mismatch' | 'checkpoint_missing' | 'checkpoint_hash_mismatch' | 'chain_broken';

export interface CheckpointResult extends VerifyResult {
  reason: CheckpointReason | null;
  checkpoint: { seq: number; hash: string; found: boolean };
}

/** The tamper-evident audit log: per-team hash chains, append-only. */
@Injectable()
export class AuditService {
  constructor(
    @Inject(AuditRepository) private readonly repo: AuditRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {}

  /**
   * Appends one event to its team's chain (or the global chain). Inside a
   * request's (or any) transaction it joins it, so it commits or rolls back
   * with the change it records; the global chain is written through the
   * system path, switched to for this insert only.
   */
  async record(event: AuditEventInput, tx?: Tx): Promise<AuditRow> {
    const fields = fieldsOf(event);
    const append = (t: Tx) => this.repo.append(t, fields);
    if (tx && this.prisma.currentTeam() === undefined) return append(tx);
    return fields.teamId ? this.prisma.withTeam(fields.teamId, append) : this.prisma.system(append);
  }

  /** The event for a request: action and target from its `@Audit` declaration, refined by the handler's annotations. */
  requestEvent(
    req: MantisRequest,
    spec: AuditSpec | null | undefined,
    outcome: AuditOutcome,
    status: number,
    extra: Record<string, unknown> = {},
  ): AuditEventInput {
    const note = requestAudit(req).note;
    const params = (req.params ?? {}) as Record<string, string>;
    const action = auditActionOf(spec, req) ?? `http.${req.method.toLowerCase()}`;
    const targetId = note.targetId ?? (spec?.targetParam ? params[spec.targetParam] : undefined);
    return this.fromRequest(req, {
      action,
      outcome,
      status,
      team: spec?.global ? null : note.team,
      target: { type: note.targetType ?? spec?.targetType ?? null, id: targetId ?? null },
      details: { method: req.method, route: req.routeOptions?.url, ...extra, ...note.details },
    });
  }

  /** Writes the request's event in the current transaction (the request's own, opened by the audit interceptor). */
  async recordRequest(req: MantisRequest, outcome: AuditOutcome, status: number): Promise<void> {
    const state = requestAudit(req);
    await this.record(this.requestEvent(req, state.reached?.spec, outcome, status));
  }

  /**
   * For handlers that manage their own transactions (`@OwnTransaction`):
   * runs `change` in the request's team scope and writes the request's
   * success event in the same transaction, then commits. What the handler
   * does afterwards (waiting for a worker) is outside it.
   */
  async commit<T>(req: MantisRequest, status: number, change: () => Promise<T>): Promise<T> {
    const work = async () => {
      const value = await change();
      await this.recordRequest(req, 'success', status);
      return value;
    };
    const value = await (req.team ? this.prisma.withTeam(req.team.id, work) : this.prisma.system(work));
    requestAudit(req).recorded = true;
    return value;
  }

  /**
   * For handlers that send their change as one batch transaction of the
   * request's team (`PrismaService.teamBatch`): the statements appending the
   * request's success event, to go in that batch, and the confirmation to
   * call once it committed. Built when called: annotate the request first.
   */
  successStatements(req: MantisRequest, status: number): TxPart {
    const fields = fieldsOf(this.requestEvent(req, requestAudit(req).reached?.spec, 'success', status));
    if (!fields.teamId || fields.teamId !== req.team?.id) throw new Error("successStatements: the event belongs to another chain than the request's team");
    return { statements: appendStatements(fields), committed: () => (requestAudit(req).recorded = true) };
  }

  /** An event describing `req` (actor, auth method, ip, user agent, request id), for handlers recording in their own transaction. */
  fromRequest(
    req: MantisRequest,
    e: {
      action: string;
      outcome: AuditOutcome;
      status?: number;
      team?: { id: string; slug: string } | null;
      target?: { type?: string | null; id?: string | null };
      details?: Record<string, unknown>;
    },
  ): AuditEventInput {
    const { actor, authMethod } = actorOf(req);
    const team = e.team !== undefined ? e.team : req.team ? { id: req.team.id, slug: req.team.slug } : null;
    return { ...e, team, actor, authMethod, ...requestMeta(req) };
  }

  /** Records without failing the caller: the change it describes already happened. */
  async recordSafely(event: AuditEventInput): Promise<void> {
    try {
      await this.record(event);
    } catch (e) {
      this.logger.error({ err: e, action: event.action, reqId: event.requestId }, 'audit event could not be recorded');
    }
  }

  /**
   * One page of events, newest first, as its response body: the JSON of
   * `{ data, next_cursor }` written from the rows' column texts (`pageJson`),
   * read in one short transaction of the filter's scope.
   */
  async page(filter: AuditFilter, limit: number, cursor?: AuditCursor): Promise<string> {
    return pageJson(await this.repo.pageRows(filter, limit + 1, cursor), limit);
  }

  /**
   * Every matching event, oldest first, in batches so an export never sits in
   * memory: each batch is one short bulk read keyset on (ts, seq), and the
   * next one is read while the caller writes this one. The caller pulls, so a
   * slow reader holds the database back (no transaction stays open meanwhile);
   * events appended meanwhile are included if they sort after the cursor.
   */
  async *stream(filter: AuditFilter, batch = EXPORT_BATCH): AsyncGenerator<AuditRow[]> {
    yield* prefetched(
      (cursor: AuditCursor | undefined) => this.repo.exportBatch(filter, batch, cursor),
      (rows) => (rows.length === batch ? { ts: rows[rows.length - 1].ts, seq: rows[rows.length - 1].seq } : undefined),
      (rows) => rows.length,
      undefined,
    );
  }

  /**
   * `stream` as NDJSON, one chunk per slice of a batch: each batch one binary
   * COPY (`AuditRepository.lineBatch`), its lines written from the column
   * bytes (`writeEventLine`), the next batch read while this one is written
   * (the event loop gets a turn between slices, so that read moves on).
   */
  async *ndjson(filter: AuditFilter, batch = EXPORT_BATCH): AsyncGenerator<Buffer> {
    const batches = prefetched(
      (cursor: LineBatch['last']) => this.repo.lineBatch(filter, batch, cursor).then(lineBatchOf),
      (b) => (b.count === batch ? b.last : undefined),
      (b) => b.count,
      null,
    );
    for await (const b of batches) {
      const t = new CopyTuples(b.buf, LINE_COLUMNS.length);
      // Lines are longer than the COPY's rows by their keys (~170 bytes); the writer grows if a batch needs more.
      // Each slice is a part of the batch's buffer not written again (growing copies into a new one).
      const w = new ByteWriter(b.buf.length + b.count * 192);
      for (let left = b.count; left > 0; left -= SLICE) {
        const from = w.pos;
        for (let i = 0; i < SLICE && t.next(); i++) writeEventLine(w, t);
        yield w.buf.subarray(from, w.pos);
        if (left > SLICE) await nextTurn();
      }
    }
  }

  /** Walks a chain from its first link; names the first event whose link or hash does not hold. */
  async verify(teamId: string | null): Promise<VerifyResult> {
    return (await this.walk(teamId)).result;
  }

  /** The newest link of a team's chain (seq 0 and the genesis hash while it is empty). */
  async head(teamId: string): Promise<{ seq: number; hash: string; ts: string }> {
    const row = await this.repo.head(teamId);
    return row ? { seq: Number(row.seq), hash: row.hash, ts: row.ts.toISOString() } : { seq: 0, hash: GENESIS_HASH, ts: new Date().toISOString() };
  }

  /**
   * Verifies the chain and that it still holds a head saved earlier: that
   * event must exist with the saved hash, and every link up to today's head
   * must hold. Cutting the newest events off removes the saved head.
   */
  async verifyCheckpoint(teamId: string, checkpoint: Checkpoint): Promise<CheckpointResult> {
    const { result, watched } = await this.walk(teamId, checkpoint.seq);
    const seen: { found: boolean; hash?: string } =
      watched !== undefined ? { found: true, hash: watched } : { found: checkpoint.seq === 0 && checkpoint.hash === GENESIS_HASH };
    const reason: CheckpointReason | null = !result.ok
      ? 'chain_broken'
      : !seen.found
        ? 'checkpoint_missing'
        : seen.hash !== undefined && seen.hash !== checkpoint.hash
          ? 'checkpoint_hash_mismatch'
          : null;
    return { ...result, ok: reason === null, reason, checkpoint: { seq: checkpoint.seq, hash: checkpoint.hash, found: seen.found } };
  }

  /**
   * The links in `seq` order, each checked as `prev_hash` = the hash before
   * it and `hash` = sha256(`prev_hash` ‖ canonical), straight on the bytes
   * of binary COPY batches (see `ChainCheck`), a slice at a time with a turn
   * of the event loop between slices, so the next batch's read moves on
   * meanwhile. `watch`: the `hash` of the valid link with that `seq`, if the
   * walk reached it.
   */
  private async walk(teamId: string | null, watch?: number): Promise<{ result: VerifyResult; watched?: string }> {
    const check = new ChainCheck(watch);
    const batches = prefetched(
      (after: bigint) => this.repo.chainBatch(teamId, after, VERIFY_BATCH).then(chainBatchOf),
      (b) => (b.count === VERIFY_BATCH ? b.lastSeq : undefined),
      (b) => b.count,
      -1n,
    );
    for await (const b of batches) {
      const t = new CopyTuples(b.buf, CHAIN_COLUMNS.length);
      for (let left = b.count; left > 0; left -= SLICE) {
        if (!check.links(t, SLICE)) return { result: check.result(), watched: check.watched };
        if (left > SLICE) await nextTurn();
      }
    }
    return { result: check.result(), watched: check.watched };
  }

  userIdByEmail(email: string): Promise<string | null> {
    return this.repo.userIdByEmail(email);
  }
}
