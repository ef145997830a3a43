import type { ByteWriter } from './audit-bytes.js';

/**
 * Columns a binary COPY sends in their binary form, written as the texts
 * PostgreSQL's output functions give: a `uuid` (16 bytes) as `uuid_out`
 * writes it, a `timestamptz` (microseconds from 2000-01-01 00:00 UTC, int8)
 * as `to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` does,
 * and `int4`/`int8` as their decimal texts. The backend's text formatting of
 * those columns was a third of its work per row of a chain walk.
 */

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** `uuid_out` of the 16 bytes at `start`, in double quotes: lowercase hex, dashes after bytes 4, 6, 8 and 10. */
export function writeUuid(w: ByteWriter, src: Uint8Array, start: number): void {
  w.reserve(38);
  const out = w.buf;
  let p = w.pos;
  out[p++] = 0x22;
  for (let k = 0; k < 16; k++) {
    if (k === 4 || k === 6 || k === 8 || k === 10) out[p++] = 0x2d;
    const b = src[start + k];
    out[p++] = HEX[b >> 4];
    out[p++] = HEX[b & 15];
  }
  out[p++] = 0x22;
  w.pos = p;
}

/** `uuid_out` of the 16 bytes at `start`. */
export function uuidText(src: Uint8Array, start: number): string {
  let s = '';
  for (let k = 0; k < 16; k++) {
    if (k === 4 || k === 6 || k === 8 || k === 10) s += '-';
    s += String.fromCharCode(HEX[src[start + k] >> 4], HEX[src[start + k] & 15]);
  }
  return s;
}

const DAY_US = 86_400_000_000;
const DAY_US_BIG = 86_400_000_000n;
/** Days from 0000-03-01, the epoch of the civil-date computation below, to 2000-01-01. */
const DAYS_0000_03_01_TO_2000 = 730_425; // 719,468 to 1970-01-01, then 10,957

/** A timestamp's fields, filled by `timestampFields`: year (astronomical: 0 is 1 BC), month, day, hour, minute, second, microsecond. */
const tf = new Int32Array(7);

/**
 * The int8 at `start` (a timestamp in microseconds from 2000-01-01 UTC) into
 * `tf`, in the proleptic Gregorian calendar PostgreSQL uses; false for
 * `infinity` and `-infinity`, whose `to_char` is NULL.
 */
function timestampFields(src: Uint8Array, start: number): boolean {
  const hi = (src[start] << 24) | (src[start + 1] << 16) | (src[start + 2] << 8) | src[start + 3];
  const lo = ((src[start + 4] << 24) | (src[start + 5] << 16) | (src[start + 6] << 8) | src[start + 7]) >>> 0;
  if ((hi === 0x7fffffff && lo === 0xffffffff) || (hi === -0x80000000 && lo === 0)) return false;
  let days: number;
  let us: number;
  if (hi >= -0x100000 && hi < 0x100000) {
    // |v| < 2^52: exact in a double (about 1857 to 2142).
    const v = hi * 4294967296 + lo;
    days = Math.floor(v / DAY_US);
    us = v - days * DAY_US;
  } else {
    const v = BigInt(hi) * 4294967296n + BigInt(lo);
    let d = v / DAY_US_BIG;
    if (d * DAY_US_BIG > v) d -= 1n; // floor, not truncation, before 2000
    days = Number(d);
    us = Number(v - d * DAY_US_BIG);
  }
  if (days !== lastDay) civilDate(days);
  tf[0] = lastDate[0];
  tf[1] = lastDate[1];
  tf[2] = lastDate[2];
  const secs = Math.floor(us / 1_000_000);
  tf[3] = Math.floor(secs / 3600);
  tf[4] = Math.floor(secs / 60) % 60;
  tf[5] = secs % 60;
  tf[6] = us - secs * 1_000_000;
  return true;
}

/** The last day `civilDate` converted, and its year, month and day: a chain's events mostly share their day with the one before. */
let lastDay = NaN;
const lastDate = new Int32Array(3);

/** Civil date from a day count from 2000-01-01 into `lastDate` (H. Hinnant's days_from_civil, inverted, from 0000-03-01). */
function civilDate(days: number): void {
  const z = days + DAYS_0000_03_01_TO_2000;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  lastDate[0] = yoe + era * 400 + (month <= 2 ? 1 : 0);
  lastDate[1] = month;
  lastDate[2] = doy - Math.floor((153 * mp + 2) / 5) + 1;
  lastDay = days;
}

/** `to_char`'s `YYYY`: a BC year as its number (1 BC is 1), at least four digits. */
const yearText = (y: number) => String(y <= 0 ? 1 - y : y).padStart(4, '0');

/** "00" to "99", two bytes each. */
const PAIRS = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''), 'latin1');

/** `v` (0–99) as two digits at `p`. */
function pair(out: Buffer, p: number, v: number): number {
  out[p] = PAIRS[v * 2];
  out[p + 1] = PAIRS[v * 2 + 1];
  return p + 2;
}

function digits(out: Buffer, p: number, v: number, n: number): number {
  for (let k = n - 1; k >= 0; k--) {
    out[p + k] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  }
  return p + n;
}

/**
 * The timestamptz at `start` as `to_char(… AT TIME ZONE 'UTC',
 * 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` writes it (milliseconds truncated), in
 * double quotes: for a millisecond time of years 1–9999, `toISOString`'s
 * text. `null` for an infinite timestamp, as `to_char` gives NULL.
 */
export function writeTimestamp(w: ByteWriter, src: Uint8Array, start: number): void {
  if (!timestampFields(src, start)) {
    w.reserve(4);
    w.pos += w.buf.write('null', w.pos, 'latin1');
    return;
  }
  const y = tf[0];
  if (y < 1 || y > 9999) {
    w.text(`"${timestampText(src, start, 3)}"`);
    return;
  }
  w.reserve(26);
  const out = w.buf;
  let p = w.pos;
  out[p++] = 0x22;
  p = pair(out, p, Math.floor(y / 100));
  p = pair(out, p, y % 100);
  out[p++] = 0x2d;
  p = pair(out, p, tf[1]);
  out[p++] = 0x2d;
  p = pair(out, p, tf[2]);
  out[p++] = 0x54;
  p = pair(out, p, tf[3]);
  out[p++] = 0x3a;
  p = pair(out, p, tf[4]);
  out[p++] = 0x3a;
  p = pair(out, p, tf[5]);
  out[p++] = 0x2e;
  const ms = Math.floor(tf[6] / 1000);
  out[p++] = 0x30 + Math.floor(ms / 100);
  p = pair(out, p, ms % 100);
  out[p++] = 0x5a;
  out[p++] = 0x22;
  w.pos = p;
}

/**
 * The timestamptz at `start` as the text `writeTimestamp` writes (`fraction`
 * 3), or with its microseconds and, for a year BC, ` BC` (`fraction` 6: read
 * back by PostgreSQL as the same timestamp, for a keyset cursor); null for
 * an infinite timestamp.
 */
export function timestampText(src: Uint8Array, start: number, fraction: 3 | 6): string | null {
  if (!timestampFields(src, start)) return null;
  const two = (v: number) => String(v).padStart(2, '0');
  const frac = fraction === 3 ? String(Math.floor(tf[6] / 1000)).padStart(3, '0') : String(tf[6]).padStart(6, '0');
  const era = fraction === 6 && tf[0] <= 0 ? ' BC' : '';
  return `${yearText(tf[0])}-${two(tf[1])}-${two(tf[2])}T${two(tf[3])}:${two(tf[4])}:${two(tf[5])}.${frac}Z${era}`;
}

/** The int4 (`len` 4) or int8 (`len` 8) at `start`, as a number (an int8 beyond 2^53 rounded: see `intText`). */
export function intAt(src: Uint8Array, start: number, len: number): number {
  const hi = (src[start] << 24) | (src[start + 1] << 16) | (src[start + 2] << 8) | src[start + 3];
  if (len === 4) return hi;
  const lo = ((src[start + 4] << 24) | (src[start + 5] << 16) | (src[start + 6] << 8) | src[start + 7]) >>> 0;
  return hi * 4294967296 + lo;
}

/** The int4 or int8 at `start` as `int4out`/`int8out` write it. */
export function intText(src: Uint8Array, start: number, len: number): string {
  const v = intAt(src, start, len);
  if (Number.isSafeInteger(v)) return String(v);
  return Buffer.from(src.buffer, src.byteOffset + start, 8)
    .readBigInt64BE()
    .toString();
}

/** `intText`, written into `w`. */
export function writeInt(w: ByteWriter, src: Uint8Array, start: number, len: number): void {
  const v = intAt(src, start, len);
  if (!Number.isSafeInteger(v)) {
    w.text(intText(src, start, len));
    return;
  }
  w.reserve(21);
  const out = w.buf;
  let p = w.pos;
  let u = v;
  if (u < 0) {
    out[p++] = 0x2d;
    u = -u;
  }
  let n = 1;
  for (let x = u; x >= 10; x = Math.floor(x / 10)) n++;
  w.pos = digits(out, p, u, n);
}
