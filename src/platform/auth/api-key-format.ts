import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PATTERN = /^mk_[0-9a-f]{64}$/;

export interface NewApiKey {
  /** Shown once, never stored. */
  raw: string;
  hash: string;
  prefix: string;
}

/**
 * SHA-256 hex of a key or token: the only form stored. No slow KDF: keys are
 * 256-bit random. One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object
 * that createHash builds on every request.
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** `mk_` + first 6 hex, shown in listings. */
export function keyPrefix(raw: string): string {
  return raw.startsWith('mk_') ? raw.slice(0, 9) : `${raw.slice(0, 3)}…`;
}

export function generateApiKey(): NewApiKey {
  const raw = `mk_${randomBytes(32).toString('hex')}`;
  return { raw, hash: hashToken(raw), prefix: keyPrefix(raw) };
}

/** Constant-time comparison that never throws on length differences (compares digests). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(hashToken(a), 'hex'), Buffer.from(hashToken(b), 'hex'));
}
