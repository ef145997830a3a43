import { describe, expect, it } from 'vitest';
import { ByteWriter, CopyTuples } from './audit-bytes.js';
import { CANONICAL_COLUMNS, CANONICAL_NAMES, canonicalOfColumns, writeCanonical } from './audit-chain.js';
import { eventJson, LINE_COLUMNS, LINE_NAMES, toEvent, writeEventLine } from './audit-format.js';
import type { AuditRow } from './audit.repository.js';

/** A column's text in the binary form a COPY of `sql` (a `(column)::type`) sends: uuids, timestamps and integers binary, the rest UTF-8. */
function wire(sql: string, text: string | null): Buffer | null {
  if (text === null) return null;
  const type = /::(\w+)$/.exec(sql)?.[1];
  if (type === 'uuid') return Buffer.from(text.replace(/-/g, ''), 'hex');
  const b = Buffer.alloc(8);
  if (type === 'timestamptz') b.writeBigInt64BE(BigInt(Date.parse(text) - Date.UTC(2000, 0, 1)) * 1000n);
  else if (type === 'int8') b.writeBigInt64BE(BigInt(text));
  else if (type === 'int4') return b.subarray(0, b.writeInt32BE(Number(text)));
  else return Buffer.from(text);
  return b;
}

/** A binary COPY of the given fields, as PostgreSQL writes it (signature, flags, header extension, tuples, trailer). */
function binaryCopy(rows: (Buffer | string | null)[][]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const row of rows) {
    const n = Buffer.alloc(2);
    n.writeInt16BE(row.length);
    parts.push(n);
    for (const v of row) {
      const len = Buffer.alloc(4);
      len.writeInt32BE(v === null ? -1 : Buffer.byteLength(v));
      parts.push(len);
      if (v !== null) parts.push(Buffer.from(v));
    }
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

const odd = ['quote " and \\ backslash', 'line\nbreak\ttab\u0001\u001f\b\f\r\u007f', '\u2028 é 😀 ü', ''];

/** Details as jsonb's text output writes them: its key order (shorter first), `": "` and `", "`, JSON.stringify's string escapes. */
const details = [
  '{}',
  '{"route": "/v1/predict", "method": "POST"}',
  `{"b": ${JSON.stringify(odd[0])}, "a": ${JSON.stringify(odd[1])}, "zz": ${JSON.stringify(odd[2])}, "ab": ""}`,
  '{"x": true, "y": false, "z": null, "aa": "a, \\"b\\": c", "b_": "}"}',
  '{"": "empty key", "A": "upper", "_": "under"}',
  // Not flat or not plain: parsed and written in full.
  '{"n": 1, "m": 2.50}',
  '{"a": {"y": true, "b": "x"}, "z": [1, 2.5, null, "ü"]}',
  '{"é": "non-ASCII key", "e": 1}',
  '{"a\\"b": "escaped key"}',
  '{"10": "x", "9": "y", "b": "z"}',
  '{"big": 12345678901234567890, "f": 1e400}',
];

describe('writeCanonical (the walk on binary COPY bytes)', () => {
  it('writes exactly the bytes of canonicalOfColumns for every kind of column text', () => {
    const rows: (string | null)[][] = [];
    for (const [i, d] of details.entries()) {
      const text = odd[i % odd.length];
      const byColumn: Record<string, string | null> = {
        id: '0b7d1c9e-2f7a-4c1e-9a8b-3d2e1f0a9b8c',
        ts: '2026-11-30T23:59:59.007Z',
        team_id: i % 2 ? null : '5f0c2a3e-1b2c-4d5e-8f9a-0b1c2d3e4f5a',
        team_slug: 'acme',
        actor_type: 'user',
        actor_id: text,
        actor_email: i % 3 ? null : `${i}@example.com`,
        actor_prefix: null,
        auth_method: 'session',
        action: 'secret.update',
        target_type: 'secret',
        target_id: text,
        outcome: 'denied',
        status: i % 2 ? null : '403',
        ip: '10.0.0.1',
        user_agent: text,
        request_id: `req_${i}`,
        details: d,
      };
      rows.push(['prefix', ...CANONICAL_NAMES.map((c) => byColumn[c])]);
    }
    rows.push(['prefix', ...CANONICAL_NAMES.map((c) => (c === 'action' || c === 'actor_type' || c === 'outcome' ? 'x' : null))]);
    const copy = binaryCopy(rows.map(([prefix, ...texts]) => [prefix, ...texts.map((v, c) => wire(CANONICAL_COLUMNS[c], v))]));
    const t = new CopyTuples(copy, 1 + CANONICAL_COLUMNS.length);
    const w = new ByteWriter();
    let n = 0;
    while (t.next()) {
      w.pos = 0;
      writeCanonical(w, t, 1);
      expect(w.buf.toString('utf8', 0, w.pos)).toBe(canonicalOfColumns(rows[n], 1));
      n++;
    }
    expect(n).toBe(rows.length);
  });

  it('writes export lines exactly as JSON.stringify(toEvent(row)) for every kind of column text', () => {
    const rows: AuditRow[] = details.map((d, i) => {
      const text = odd[i % odd.length];
      return {
        id: '0b7d1c9e-2f7a-4c1e-9a8b-3d2e1f0a9b8c',
        seq: BigInt(1000 + i),
        ts: new Date(Date.UTC(2026, 10, 30, 23, 59, 59, i)),
        teamId: null,
        teamSlug: i % 2 ? null : 'acme',
        actorType: 'user',
        actorId: text,
        actorEmail: i % 3 ? null : `${i}@example.com`,
        actorPrefix: null,
        authMethod: i % 2 ? null : 'session',
        action: 'secret.update',
        targetType: 'secret',
        targetId: text,
        outcome: 'denied',
        status: i % 2 ? null : 403,
        ip: null,
        userAgent: text,
        requestId: `req_${i}`,
        details: JSON.parse(d) as unknown,
        prevHash: 'a'.repeat(64),
        hash: text,
      };
    });
    const texts = rows.map((r, i) => {
      const byColumn: Record<string, string | null> = {
        id: r.id,
        seq: String(r.seq),
        ts: r.ts.toISOString(),
        team_slug: r.teamSlug,
        actor_type: r.actorType,
        actor_id: r.actorId,
        actor_email: r.actorEmail,
        actor_prefix: r.actorPrefix,
        auth_method: r.authMethod,
        action: r.action,
        target_type: r.targetType,
        target_id: r.targetId,
        outcome: r.outcome,
        status: r.status === null ? null : String(r.status),
        ip: r.ip,
        user_agent: r.userAgent,
        request_id: r.requestId,
        details: details[i],
        prev_hash: r.prevHash,
        hash: r.hash,
      };
      return LINE_NAMES.map((c) => byColumn[c]);
    });
    const t = new CopyTuples(binaryCopy(texts.map((row) => row.map((v, k) => wire(LINE_COLUMNS[k], v)))), LINE_COLUMNS.length);
    const w = new ByteWriter(16);
    while (t.next()) writeEventLine(w, t);
    expect(w.buf.toString('utf8', 0, w.pos)).toBe(rows.map((r) => `${JSON.stringify(toEvent(r))}\n`).join(''));
    // A page's rows: the same texts but the details as one array, which array_to_json writes as JSON.stringify does.
    const at = LINE_COLUMNS.indexOf('(details)::text');
    const pageRow = (texts: (string | null)[]) => [JSON.stringify(texts.filter((_, c) => c !== at)), texts[at]];
    expect(texts.map((x) => eventJson(pageRow(x)))).toEqual(rows.map((r) => JSON.stringify(toEvent(r))));
    // Backslashes before a quote, and closing a string: an even run ends the string, an odd one escapes the quote.
    const tricky = (v: string | null) => `${v}\\" \\\\"\\`;
    const last = texts[0].length - 1;
    const event = JSON.parse(eventJson(pageRow(texts[0].map((v, c) => (c === 5 || c === last ? tricky(v) : v))))) as { actor: { id: string }; hash: string };
    expect([event.actor.id, event.hash]).toEqual([tricky(texts[0][5]), tricky(texts[0][last])]);
  });

  it('grows its buffer for long values', () => {
    const long = `"${'\u0001'.repeat(20_000)}"`;
    const w = new ByteWriter();
    const src = Buffer.from(long.slice(1, -1));
    w.jsonString(src, 0, src.length);
    expect(w.buf.toString('utf8', 0, w.pos)).toBe(JSON.stringify(long.slice(1, -1)));
  });
});
