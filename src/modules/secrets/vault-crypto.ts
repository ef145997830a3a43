import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGO = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Associated data binding a wrapped data key to its team and version. */
export function teamKeyAad(teamId: string, version: number): Buffer {
  return Buffer.from(`mantis:team-key:v1:${teamId}:${version}`, 'utf8');
}

/** Associated data binding a secret's ciphertext to its team and name: moved elsewhere, it fails to decrypt. */
export function secretAad(teamId: string, name: string): Buffer {
  return Buffer.from(`mantis:secret:v1:${teamId}:${name}`, 'utf8');
}

export interface Sealed {
  nonce: Buffer;
  /** Ciphertext followed by the 16-byte GCM tag. */
  ciphertext: Buffer;
}

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Sealed {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGO, key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, ciphertext: Buffer.concat([body, cipher.getAuthTag()]) };
}

/** Throws when the key, the associated data or the bytes do not match. */
export function open(key: Buffer, sealed: Sealed, aad: Buffer): Buffer {
  if (sealed.ciphertext.length < TAG_BYTES) throw new Error('ciphertext too short');
  const body = sealed.ciphertext.subarray(0, sealed.ciphertext.length - TAG_BYTES);
  const tag = sealed.ciphertext.subarray(sealed.ciphertext.length - TAG_BYTES);
  const decipher = createDecipheriv(ALGO, key, sealed.nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/** A data key wrapped under the master key, stored as nonce ‖ ciphertext ‖ tag. */
export function wrapKey(masterKey: Buffer, dataKey: Buffer, aad: Buffer): Buffer {
  const s = seal(masterKey, dataKey, aad);
  return Buffer.concat([s.nonce, s.ciphertext]);
}

export function unwrapKey(masterKey: Buffer, wrapped: Buffer, aad: Buffer): Buffer {
  return open(masterKey, { nonce: wrapped.subarray(0, NONCE_BYTES), ciphertext: wrapped.subarray(NONCE_BYTES) }, aad);
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}
