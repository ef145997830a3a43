import { randomBytes, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './audit-chain.js';
import { deriveSigningKey } from './audit-signing.js';

describe('audit signing keys', () => {
  it('are derived from the master key: replicas agree, versions and other keys differ', () => {
    const master = randomBytes(32);
    const a = deriveSigningKey(master, 1);
    const b = deriveSigningKey(Buffer.from(master), 1);
    expect(b.kid).toBe(a.kid);
    expect(b.publicKey.export({ format: 'jwk' })).toEqual(a.publicKey.export({ format: 'jwk' }));
    expect(deriveSigningKey(master, 2).kid).not.toBe(a.kid);
    expect(deriveSigningKey(randomBytes(32), 1).kid).not.toBe(a.kid);
    expect(a.kid).toMatch(/^audit-v1-[0-9a-f]{16}$/);
  });

  it('sign Ed25519 signatures that verify with the public key alone', () => {
    const key = deriveSigningKey(randomBytes(32), 1);
    const data = Buffer.from(canonicalJson({ b: 1, a: 'x' }));
    const sig = sign(null, data, key.privateKey);
    expect(verify(null, data, key.publicKey, sig)).toBe(true);
    expect(key.publicKey.asymmetricKeyType).toBe('ed25519');
  });
});
