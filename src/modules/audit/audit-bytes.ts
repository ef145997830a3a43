/**
 * Byte-level pieces of the chain walk: the tuples of a binary COPY (text
 * columns' bytes are their text in UTF-8; uuids, timestamps and integers are
 * decoded by `audit-binary.ts`) and a writer of JSON into one reused buffer. A walk of a million links built a
 * string per column and per canonical form; this builds none per link.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The tuples of `COPY … TO STDOUT (FORMAT binary)` output, one at a time; each field as an offset and length in `buf` (length -1: NULL). */
export class CopyTuples {
  readonly start: Int32Array;
  readonly len: Int32Array;
  private pos: number;

  constructor(
    readonly buf: Buffer,
    private readonly columns: number,
  ) {
    if (buf.length < 19 || !SIGNATURE.equals(buf.subarray(0, 11))) throw new Error('not a binary COPY');
    this.pos = 19 + buf.readInt32BE(15);
    this.start = new Int32Array(columns);
    this.len = new Int32Array(columns);
  }

  /** Moves to the next tuple; false after the last. */
  next(): boolean {
    const b = this.buf;
    if (this.pos + 2 > b.length) return false;
    const n = b.readInt16BE(this.pos);
    this.pos += 2;
    if (n === -1) return false;
    if (n !== this.columns) throw new Error(`binary COPY: ${n} fields, expected ${this.columns}`);
    // Lengths read byte by byte (readInt32BE's checks per field showed in the walk's profile); the bounds checked here.
    let p = this.pos;
    const end = b.length;
    const start = this.start;
    const len = this.len;
    for (let i = 0; i < n; i++) {
      if (p + 4 > end) throw new Error('binary COPY: truncated tuple');
      const l = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
      p += 4;
      start[i] = p;
      len[i] = l;
      if (l > 0) {
        p += l;
        if (p > end) throw new Error('binary COPY: truncated field');
      }
    }
    this.pos = p;
    return true;
  }

  /** Where field `i` starts, checked to be `n` bytes long (a binary uuid, timestamp or integer). */
  at(i: number, n: number): number {
    if (this.len[i] !== n) throw new Error(`binary COPY: field ${i} has ${this.len[i]} bytes, expected ${n}`);
    return this.start[i];
  }

  text(i: number): string | null {
    const l = this.len[i];
    return l < 0 ? null : this.buf.toString('utf8', this.start[i], this.start[i] + l);
  }

  /** The field's bytes equal `other`'s `[from, from + n)`. */
  equals(i: number, other: Buffer, from: number, n: number): boolean {
    if (this.len[i] !== n) return false;
    const b = this.buf;
    const s = this.start[i];
    for (let k = 0; k < n; k++) if (b[s + k] !== other[from + k]) return false;
    return true;
  }

  /** The field's bytes are the ASCII string `s` (a hex digest). */
  equalsAscii(i: number, s: string): boolean {
    const n = s.length;
    if (this.len[i] !== n) return false;
    const b = this.buf;
    const start = this.start[i];
    for (let k = 0; k < n; k++) if (b[start + k] !== s.charCodeAt(k)) return false;
    return true;
  }
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** JSON written into one growing buffer, reset per value. */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(size = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Room for `n` more bytes at `pos`. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  bytes(src: Uint8Array, start: number, len: number): void {
    this.reserve(len);
    const out = this.buf;
    let p = this.pos;
    for (let k = 0; k < len; k++) out[p++] = src[start + k];
    this.pos = p;
  }

  text(s: string): void {
    this.reserve(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** `src[start, start + len)` (UTF-8 text) as `JSON.stringify` writes that string: the same escapes, byte for byte. */
  jsonString(src: Uint8Array, start: number, len: number): void {
    this.reserve(len * 6 + 2);
    const out = this.buf;
    let p = this.pos;
    out[p++] = 0x22;
    for (let k = start, end = start + len; k < end; k++) {
      const c = src[k];
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) out[p++] = c;
      else {
        out[p++] = 0x5c;
        const short = SHORT_ESCAPE[c];
        if (short) out[p++] = short;
        else {
          out[p++] = 0x75; // \u00XX, lowercase as JSON.stringify writes it
          out[p++] = 0x30;
          out[p++] = 0x30;
          out[p++] = HEX[c >> 4];
          out[p++] = HEX[c & 15];
        }
      }
    }
    out[p++] = 0x22;
    this.pos = p;
  }
}

/** The one-letter escapes of JSON.stringify, by byte: \" \\ \b \f \n \r \t. */
const SHORT_ESCAPE = new Uint8Array(0x80);
SHORT_ESCAPE[0x22] = 0x22;
SHORT_ESCAPE[0x5c] = 0x5c;
SHORT_ESCAPE[0x08] = 0x62;
SHORT_ESCAPE[0x0c] = 0x66;
SHORT_ESCAPE[0x0a] = 0x6e;
SHORT_ESCAPE[0x0d] = 0x72;
SHORT_ESCAPE[0x09] = 0x74;

const MAX_MEMBERS = 32;
// Scratch for one call at a time (nothing awaits in between).
const spans = new Int32Array(MAX_MEMBERS * 4);
const order = new Int32Array(MAX_MEMBERS);

/**
 * Writes a jsonb column's text output in compact form when that text is a
 * flat object whose keys are plain ASCII (no escapes) and whose values are
 * strings, `true`, `false` or `null`: each key and value copied as
 * PostgreSQL wrote it (its string escapes are JSON.stringify's), without the
 * spaces. `sorted`: members by key, as `canonicalJson(JSON.parse(text))`
 * writes them; otherwise in jsonb's order, as `JSON.stringify(JSON.parse(text))`
 * does (then all-digit keys, which JavaScript puts first, are not taken).
 * Returns false, having written nothing, for anything else (numbers,
 * nesting, other keys), which the caller writes in full.
 */
export function writeFlatDetails(w: ByteWriter, src: Uint8Array, start: number, len: number, sorted: boolean): boolean {
  const end = start + len;
  if (len < 2 || src[start] !== 0x7b || src[end - 1] !== 0x7d) return false;
  let n = 0;
  let p = start + 1;
  if (len > 2) {
    for (;;) {
      if (n === MAX_MEMBERS || src[p] !== 0x22) return false;
      const k = p;
      let digits = true;
      p++;
      while (p < end && src[p] !== 0x22) {
        if (src[p] === 0x5c || src[p] >= 0x80) return false;
        if (src[p] < 0x30 || src[p] > 0x39) digits = false;
        p++;
      }
      if (!sorted && digits && p > k + 1) return false;
      p++;
      if (src[p] !== 0x3a || src[p + 1] !== 0x20) return false;
      spans[n * 4] = k;
      spans[n * 4 + 1] = p - k;
      p += 2;
      const v = p;
      const c = src[p];
      if (c === 0x22) {
        p++;
        while (p < end && src[p] !== 0x22) p += src[p] === 0x5c ? 2 : 1;
        p++;
      } else if (c === 0x74 || c === 0x6e)
        p += 4; // true, null
      else if (c === 0x66)
        p += 5; // false
      else return false;
      if (p > end - 1) return false;
      if (c !== 0x22 && !literalAt(src, v, c)) return false;
      spans[n * 4 + 2] = v;
      spans[n * 4 + 3] = p - v;
      n++;
      if (src[p] === 0x7d && p === end - 1) break;
      if (src[p] !== 0x2c || src[p + 1] !== 0x20) return false;
      p += 2;
    }
  }
  // Insertion sort of the members by key: few members; ASCII bytes order as JS strings do.
  for (let i = 0; i < n; i++) {
    let j = i;
    while (sorted && j > 0 && keyBefore(src, i, order[j - 1])) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  w.bytes(BRACE_OPEN, 0, 1);
  for (let i = 0; i < n; i++) {
    const m = order[i] * 4;
    if (i) w.bytes(COMMA, 0, 1);
    w.bytes(src, spans[m], spans[m + 1]);
    w.bytes(COLON, 0, 1);
    w.bytes(src, spans[m + 2], spans[m + 3]);
  }
  w.bytes(BRACE_CLOSE, 0, 1);
  return true;
}

const BRACE_OPEN = Buffer.from('{');
const BRACE_CLOSE = Buffer.from('}');
const COMMA = Buffer.from(',');
const COLON = Buffer.from(':');
const TRUE = Buffer.from('true');
const NULL = Buffer.from('null');
const FALSE = Buffer.from('false');

function literalAt(src: Uint8Array, at: number, c: number): boolean {
  const lit = c === 0x74 ? TRUE : c === 0x6e ? NULL : FALSE;
  for (let k = 0; k < lit.length; k++) if (src[at + k] !== lit[k]) return false;
  return true;
}

/** Member `a`'s key sorts before member `b`'s (keys with their quotes; the closing quote ends the shorter). */
function keyBefore(src: Uint8Array, a: number, b: number): boolean {
  const as = spans[a * 4] + 1;
  const al = spans[a * 4 + 1] - 2;
  const bs = spans[b * 4] + 1;
  const bl = spans[b * 4 + 1] - 2;
  const n = Math.min(al, bl);
  for (let k = 0; k < n; k++) {
    const d = src[as + k] - src[bs + k];
    if (d) return d < 0;
  }
  return al < bl;
}
