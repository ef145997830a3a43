import * as crypto from 'node:crypto';
import { writeInt, writeTimestamp, writeUuid } from './audit-binary.js';
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

type FieldKind = 'text' | 'uuid' | 'number' | 'ts' | 'json';

/**
 * The hashed fields of an event in canonical key order. Each key is also the
 * column's name in `audit_events`; `kind` says how the column is read
 * (`CANONICAL_COLUMNS`) and written in the canonical JSON.
 */
const EVENT_FIELDS = (
  [
    ['id', 'uuid', (e) => e.id],
    ['ts', 'ts', (e) => e.ts.toISOString()],
    ['team_id', 'uuid', (e) => e.teamId],
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

/** The hashed columns of `audit_events`, in canonical order. */
export const CANONICAL_NAMES: readonly string[] = EVENT_FIELDS.map((f) => f.name);

/** How a binary COPY sends each kind of column: uuids, timestamps and integers in their binary forms (`audit-binary.ts`), the rest as text. */
export const WIRE_TYPE: Record<FieldKind, string> = { text: 'text', uuid: 'uuid', number: 'int4', ts: 'timestamptz', json: 'text' };

/**
 * The columns `writeCanonical` reads from a binary COPY, in its order, as
 * SQL over `audit_events`, each cast to its wire type (`WIRE_TYPE`).
 */
export const CANONICAL_COLUMNS: readonly string[] = EVENT_FIELDS.map((f) => `(${f.name})::${WIRE_TYPE[f.kind]}`);

/** Where `id` and `ts` are among `CANONICAL_COLUMNS`. */
export const CANONICAL_ID = EVENT_FIELDS.findIndex((f) => f.name === 'id');
export const CANONICAL_TS = EVENT_FIELDS.findIndex((f) => f.name === 'ts');

/**
 * `canonicalEvent` of a stored event read as its columns' texts in
 * `CANONICAL_NAMES` order (from `offset` in `row`; `ts` as `toISOString`
 * writes it), without building the event first: text as a JSON string, an
 * integer's text as is, the details parsed and written canonically. The
 * reference `writeCanonical` is held to.
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
 * The canonical form of the current tuple of a binary COPY of
 * `CANONICAL_COLUMNS` (from column `offset`), written into `w` as its UTF-8
 * bytes: `canonicalOfColumns` of the columns' texts, with no string per
 * column. Details that are not a flat object of strings and literals are
 * parsed and written by `canonicalJson`, as `canonicalOfColumns` does.
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
    else if (kind === 'text') w.jsonString(t.buf, t.start[c], len);
    else if (kind === 'uuid') writeUuid(w, t.buf, t.at(c, 16));
    else if (kind === 'ts') writeTimestamp(w, t.buf, t.at(c, 8));
    else writeInt(w, t.buf, t.at(c, 4), 4);
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
