import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 12 * 512;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * A new request id: `req_` and 24 hex characters of fresh randomness.
 *
 * The bytes come from a pool refilled 512 ids at a time: one `getrandom`
 * call per request was the single largest cost of a cached-key request in
 * the profile (see bench/README.md), and ids need uniqueness, not secrecy.
 */
export function newRequestId(): string {
  if (offset === POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + 12);
  offset += 12;
  return `req_${id}`;
}
