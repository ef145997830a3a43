import { writeInt, writeTimestamp, writeUuid } from './audit-binary.js';
import { ByteWriter, CopyTuples, writeFlatDetails } from './audit-bytes.js';
import type { AuditRow } from './audit.repository.js';
import type { AuditCursor } from './audit.repository.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { AuditEventView } from './audit.schemas.js';

export function toEvent(r: AuditRow): AuditEventView {
  return {
    id: r.id,
    seq: Number(r.seq),
    ts: r.ts.toISOString(),
    team: r.teamSlug,
    actor: { type: r.actorType, id: r.actorId, email: r.actorEmail, prefix: r.actorPrefix },
    auth_method: r.authMethod,
    action: r.action,
    target: { type: r.targetType, id: r.targetId },
    outcome: r.outcome,
    status: r.status,
    ip: r.ip,
    user_agent: r.userAgent,
    request_id: r.requestId,
    details: (r.details ?? {}) as Record<string, unknown>,
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

/** A page's `next_cursor`: its last event's `ts` as `toISOString` writes it and `seq`'s digits. */
export function encodeCursor(ts: string, seq: string): string {
  return Buffer.from(JSON.stringify([ts, seq])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): AuditCursor | undefined {
  if (!cursor) return undefined;
  try {
    const [ts, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(ts);
    if (Number.isNaN(date.getTime()) || !/^\d+$/.test(seq)) throw new Error('bad cursor');
    return { ts: date, seq: BigInt(seq) };
  } catch {
    throw ApiError.validation('Invalid cursor', { fields: [{ field: 'cursor', message: 'not a cursor from this API', in: 'query' }] });
  }
}

export const CSV_COLUMNS = [
  'id',
  'seq',
  'ts',
  'team',
  'actor_type',
  'actor_id',
  'actor_email',
  'actor_prefix',
  'auth_method',
  'action',
  'target_type',
  'target_id',
  'outcome',
  'status',
  'ip',
  'user_agent',
  'request_id',
  'details',
  'prev_hash',
  'hash',
] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(r: AuditRow): string {
  const e = toEvent(r);
  const flat: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    id: e.id,
    seq: e.seq,
    ts: e.ts,
    team: e.team,
    actor_type: e.actor.type,
    actor_id: e.actor.id,
    actor_email: e.actor.email,
    actor_prefix: e.actor.prefix,
    auth_method: e.auth_method,
    action: e.action,
    target_type: e.target.type,
    target_id: e.target.id,
    outcome: e.outcome,
    status: e.status,
    ip: e.ip,
    user_agent: e.user_agent,
    request_id: e.request_id,
    details: e.details,
    prev_hash: e.prev_hash,
    hash: e.hash,
  };
  return `${CSV_COLUMNS.map((c) => csvCell(flat[c])).join(',')}\r\n`;
}

/** How a column is sent (its wire type in the COPY) and written. */
type LineField = 'text' | 'uuid' | 'int4' | 'int8' | 'timestamptz' | 'json';

/**
 * An NDJSON export line, `JSON.stringify(toEvent(row))`, as literal pieces
 * and the columns between them: each column `[name, kind]`, sent by a binary
 * COPY as its kind (`audit-binary.ts` writes uuids, timestamps and integers
 * as their texts; `ts` as `toISOString` writes it, as in the canonical form).
 */
const LINE: [string, string, LineField][] = [
  ['{"id":', 'id', 'uuid'],
  [',"seq":', 'seq', 'int8'],
  [',"ts":', 'ts', 'timestamptz'],
  [',"team":', 'team_slug', 'text'],
  [',"actor":{"type":', 'actor_type', 'text'],
  [',"id":', 'actor_id', 'text'],
  [',"email":', 'actor_email', 'text'],
  [',"prefix":', 'actor_prefix', 'text'],
  ['},"auth_method":', 'auth_method', 'text'],
  [',"action":', 'action', 'text'],
  [',"target":{"type":', 'target_type', 'text'],
  [',"id":', 'target_id', 'text'],
  ['},"outcome":', 'outcome', 'text'],
  [',"status":', 'status', 'int4'],
  [',"ip":', 'ip', 'text'],
  [',"user_agent":', 'user_agent', 'text'],
  [',"request_id":', 'request_id', 'text'],
  [',"details":', 'details', 'json'],
  [',"prev_hash":', 'prev_hash', 'text'],
  [',"hash":', 'hash', 'text'],
];
const LINE_KEYS = LINE.map(([key]) => Buffer.from(key));
const LINE_KINDS = LINE.map(([, , kind]) => kind);
const LINE_END = Buffer.from('}\n');
const NULL_BYTES = Buffer.from('null');

/** The columns of `audit_events` `writeEventLine` reads, in its order. */
export const LINE_NAMES: readonly string[] = LINE.map(([, name]) => name);
/** The same as SQL, each cast to the type it is sent as (details as its text). */
export const LINE_COLUMNS: readonly string[] = LINE.map(([, name, kind]) => `(${name})::${kind === 'json' ? 'text' : kind}`);
/** Where `ts` and `seq` are among `LINE_COLUMNS` (an export's keyset). */
export const LINE_TS = 2;
export const LINE_SEQ = 1;

/**
 * The NDJSON line of the current tuple of a binary COPY of `LINE_COLUMNS`:
 * the bytes of `JSON.stringify(toEvent(row))` and a newline, without building
 * the row (text as JSON.stringify escapes it, flat details copied in jsonb's
 * order, other details through JSON.parse and JSON.stringify).
 */
export function writeEventLine(w: ByteWriter, t: CopyTuples): void {
  for (let c = 0; c < LINE_KEYS.length; c++) {
    const key = LINE_KEYS[c];
    w.bytes(key, 0, key.length);
    const len = t.len[c];
    const kind = LINE_KINDS[c];
    if (len < 0) {
      if (kind === 'json') w.text('{}');
      else w.bytes(NULL_BYTES, 0, 4);
    } else if (kind === 'text') w.jsonString(t.buf, t.start[c], len);
    else if (kind === 'json') {
      if (!writeFlatDetails(w, t.buf, t.start[c], len, false)) w.text(JSON.stringify(JSON.parse(t.text(c)!)));
    } else if (kind === 'uuid') writeUuid(w, t.buf, t.at(c, 16));
    else if (kind === 'timestamptz') writeTimestamp(w, t.buf, t.at(c, 8));
    else writeInt(w, t.buf, t.at(c, kind === 'int4' ? 4 : 8), kind === 'int4' ? 4 : 8);
  }
  w.bytes(LINE_END, 0, 2);
}

const DETAILS = LINE_KINDS.indexOf('json');
/** A timestamp's text as `toISOString` writes it (UTC, to the millisecond: the column's precision). */
const TS_TEXT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const LINE_KEY_TEXTS = LINE.map(([key]) => key);
/** Where column `c` of `LINE` is in a page row's array (which leaves the details out). */
const inArray = (c: number) => (c < DETAILS ? c : c - 1);

/**
 * A page row, as SQL over `audit_events`: every column of `LINE` but the
 * details as one JSON array of their texts, then the details as jsonb's
 * text. PostgreSQL escapes each text as JSON.stringify does (the same short
 * escapes, other control characters as lowercase \u00XX). Two texts per
 * event instead of one per column keep reading a page cheap; one
 * `array_to_json` per row keeps it cheap for the database too (a `to_json`
 * per column doubled its time for a page).
 */
export const PAGE_COLUMNS: readonly string[] = [
  `array_to_json(ARRAY[${LINE.filter((_, c) => c !== DETAILS)
    .map(([, name, kind]) => (kind === 'timestamptz' ? TS_TEXT(name) : `(${name})::text`))
    .join(', ')}])::text`,
  `(${LINE[DETAILS][1]})::text`,
];

const BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const N = 0x6e;

/**
 * `JSON.stringify(toEvent(row))` of a row of `PAGE_COLUMNS`: each element of
 * the array copied as PostgreSQL escaped it (a number without its quotes),
 * the details written compact (a JSON `null` as `{}`, as in `toEvent`).
 */
export function eventJson(row: readonly (string | null)[]): string {
  const a = row[0]!;
  let pos = 1;
  let out = '';
  for (let c = 0; c < LINE_KINDS.length; c++) {
    const kind = LINE_KINDS[c];
    let v: string;
    if (kind === 'json') v = row[1] === null ? '{}' : JSON.stringify(JSON.parse(row[1]) ?? {});
    else if (a.charCodeAt(pos) === N) {
      v = 'null';
      pos += 5; // `null` and the comma (or bracket) after it
    } else {
      // The closing quote is the first one after an even number of backslashes.
      let end = pos + 1;
      for (;;) {
        end = a.indexOf('"', end);
        let b = end - 1;
        while (a.charCodeAt(b) === BACKSLASH) b--;
        if ((end - 1 - b) % 2 === 0) break;
        end++;
      }
      v = kind === 'int4' || kind === 'int8' ? a.slice(pos + 1, end) : a.slice(pos, end + 1);
      pos = end + 2;
    }
    out += LINE_KEY_TEXTS[c] + v;
  }
  if (a.charCodeAt(0) !== BRACKET || pos !== a.length) throw new Error('eventJson: not a row of PAGE_COLUMNS');
  return `${out}}`;
}

/**
 * The body of a page, `JSON.stringify({ data, next_cursor })` as the page
 * routes answer, from up to `limit + 1` rows of `PAGE_COLUMNS`: the extra
 * row only says there is a next page, whose cursor is the last event's
 * (ts, seq) as `encodeCursor` writes it.
 */
export function pageJson(rows: readonly (readonly (string | null)[])[], limit: number): string {
  const n = Math.min(rows.length, limit);
  let data = '';
  for (let i = 0; i < n; i++) data += i ? `,${eventJson(rows[i])}` : eventJson(rows[i]);
  let next = 'null';
  if (rows.length > limit) {
    const last = JSON.parse(rows[n - 1][0]!) as string[];
    next = JSON.stringify(encodeCursor(last[inArray(LINE_TS)], last[inArray(LINE_SEQ)]));
  }
  return `{"data":[${data}],"next_cursor":${next}}`;
}
