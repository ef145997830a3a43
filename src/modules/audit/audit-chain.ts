import * as crypto from 'node:crypto';
import { ByteWriter, CopyTuples, writeFlatDetails } from './audit-bytes.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a hash covers, exactly as stored. */
export interface ChainedFields {
  id: string;
  ts: Date;
  teamId: string | null;
  teamSlug: string | null;
  actorType: string;
  actorId: string | null;
  actorEmail: string | null;
  actorPrefix: string | null;
  authMethod: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  status: number | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: unknown;
}

/** JSON with object keys sorted at every level: the same event always serializes the same way. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

type FieldKind = 'text' | 'number' | 'ts' | 'json';

/**
 * The hashed fields of an event in canonical key order. Each key is also the
 * column's name in `audit_events`; `kind` says how the column's text is
 * written in the canonical JSON (`canonicalOfColumns`).
 */
const EVENT_FIELDS = (
  [
    ['id', 'text', (e) => e.id],
    ['ts', 'ts', (e) => e.ts.toISOString()],
    ['team_id', 'text', (e) => e.teamId],
    ['team_slug', 'text', (e) => e.teamSlug],
    ['actor_type', 'text', (e) => e.actorType],
    ['actor_id', 'text', (e) => e.actorId],
    ['actor_email', 'text', (e) => e.actorEmail],
    ['actor_prefix', 'text', (e) => e.actorPrefix],
    ['auth_method', 'text', (e) => e.authMethod],
    ['action', 'text', (e) => e.action],
    ['target_type', 'text', (e) => e.targetType],
    ['target_id', 'text', (e) => e.targetId],
    ['outcome', 'text', (e) => e.outcome],
    ['status', 'number', (e) => e.status],
    ['ip', 'text', (e) => e.ip],
    ['user_agent', 'text', (e) => e.userAgent],
    ['request_id', 'text', (e) => e.requestId],
    ['details', 'json', (e) => e.details ?? {}],
  ] as [string, FieldKind, (e: ChainedFields) => unknown][]
)
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([name, kind, get]) => ({ name, kind, key: `${JSON.stringify(name)}:`, get }));

/**
 * `canonicalJson` of the event's fields (see `EVENT_FIELDS`), written without
 * sorting the top-level keys on every call: verification hashes each event.
 */
export function canonicalEvent(e: ChainedFields): string {
  let out = '';
  for (const f of EVENT_FIELDS) {
    const v = f.get(e);
    if (v !== undefined) out += `${out ? ',' : ''}${f.key}${canonicalJson(v)}`;
  }
  return `{${out}}`;
}

/**
 * The columns `canonicalOfColumns` expects, in its order, as SQL over
 * `audit_events`: `ts` as the text `Date.prototype.toISOString` writes for
 * a millisecond timestamp (the column's precision), the others as stored.
 */
export const CANONICAL_COLUMNS: readonly string[] = EVENT_FIELDS.map((f) =>
  f.kind === 'ts' ? `to_char(${f.name} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : f.name,
);

/** Where `id` and `ts` are among `CANONICAL_COLUMNS`. */
export const CANONICAL_ID = EVENT_FIELDS.findIndex((f) => f.name === 'id');
export const CANONICAL_TS = EVENT_FIELDS.findIndex((f) => f.name === 'ts');

/**
 * `canonicalEvent` of a stored event read as the texts of
 * `CANONICAL_COLUMNS` (from `offset` in `row`), without building the event
 * first: text as a JSON string, an integer's text as is, the details parsed
 * and written canonically.
 */
export function canonicalOfColumns(row: readonly (string | null)[], offset = 0): string {
  let out = '{';
  for (let i = 0; i < EVENT_FIELDS.length; i++) {
    const f = EVENT_FIELDS[i];
    const t = row[offset + i];
    const json = f.kind === 'json' ? (t === null ? '{}' : canonicalJson(JSON.parse(t))) : t === null ? 'null' : f.kind === 'number' ? t : JSON.stringify(t);
    out += i ? `,${f.key}${json}` : `${f.key}${json}`;
  }
  return `${out}}`;
}

/** Each field's key as it opens its member in the canonical form (`{"action":`, `,"actor_email":`, …). */
const FIELD_KEYS = EVENT_FIELDS.map((f, i) => Buffer.from(`${i ? ',' : '{'}${f.key}`));
const NULL_BYTES = Buffer.from('null');
const EMPTY_OBJECT = Buffer.from('{}');
const CLOSE = Buffer.from('}');

/**
 * `canonicalOfColumns` of the current tuple of a binary COPY of
 * `CANONICAL_COLUMNS` (each as text, from column `offset`), written into `w`
 * as its UTF-8 bytes: the same bytes, with no string per column. Details
 * that are not a flat object of strings and literals are parsed and written
 * by `canonicalJson`, as `canonicalOfColumns` does.
 */
export function writeCanonical(w: ByteWriter, t: CopyTuples, offset = 0): void {
  for (let i = 0; i < EVENT_FIELDS.length; i++) {
    const key = FIELD_KEYS[i];
    w.bytes(key, 0, key.length);
    const c = offset + i;
    const len = t.len[c];
    const kind = EVENT_FIELDS[i].kind;
    if (kind === 'json') {
      if (len < 0) w.bytes(EMPTY_OBJECT, 0, 2);
      else if (!writeFlatDetails(w, t.buf, t.start[c], len, true)) w.text(canonicalJson(JSON.parse(t.text(c)!)));
    } else if (len < 0) w.bytes(NULL_BYTES, 0, 4);
    else if (kind === 'number') w.bytes(t.buf, t.start[c], len);
    else w.jsonString(t.buf, t.start[c], len);
  }
  w.bytes(CLOSE, 0, 1);
}

/** One-shot SHA-256 (Node 20.12+), else a Hash object. */
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

/** sha256(prev_hash ‖ canonical), hex. */
export function linkHash(prevHash: string, canonical: string): string {
  return oneShot
    ? oneShot('sha256', prevHash + canonical, 'hex')
    : crypto
        .createHash('sha256')
        .update(prevHash + canonical, 'utf8')
        .digest('hex');
}

/** hash = sha256(prev_hash ‖ canonical event), hex. */
export function chainHash(prevHash: string, e: ChainedFields): string {
  return linkHash(prevHash, canonicalEvent(e));
}
