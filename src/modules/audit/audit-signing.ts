import { createHash, createPrivateKey, createPublicKey, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { loadMasterKey } from '../../platform/crypto/master-key.js';
import { canonicalJson } from './audit-chain.js';

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SigningKey {
  kid: string;
  version: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** Version n of the audit signing key: HKDF of the master key, so every replica derives the same pair. */
export function deriveSigningKey(masterKey: Buffer, version: number): SigningKey {
  const seed = Buffer.from(hkdfSync('sha256', masterKey, 'mantis-audit-signing', `ed25519-v${version}`, 32));
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: 'der', type: 'spki' });
  const kid = `audit-v${version}-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
  return { kid, version, privateKey, publicKey };
}

/**
 * Signs audit chain heads with Ed25519. The key in use is version
 * `MANTIS_AUDIT_SIGNING_KEY_VERSION`; every earlier version stays published
 * (and accepted) so heads saved before a rotation still verify.
 */
@Injectable()
export class AuditSigner {
  private keys?: SigningKey[];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private all(): SigningKey[] {
    if (!this.keys) {
      const master = loadMasterKey(this.config.masterKey, this.config.dataDir);
      this.keys = Array.from({ length: this.config.auditSigningKeyVersion }, (_, i) => deriveSigningKey(master, i + 1));
    }
    return this.keys;
  }

  current(): SigningKey {
    return this.all()[this.all().length - 1];
  }

  /** `fields` plus `key_id` and `signature` (base64url) over the canonical JSON of everything but the signature. */
  sign<T extends Record<string, unknown>>(fields: T): T & { key_id: string; signature: string } {
    const key = this.current();
    const signed = { ...fields, key_id: key.kid };
    const signature = sign(null, Buffer.from(canonicalJson(signed), 'utf8'), key.privateKey).toString('base64url');
    return { ...signed, signature };
  }

  /** Whether `signed` carries a valid signature by one of our keys. */
  verify(signed: Record<string, unknown>): boolean {
    const { signature, ...fields } = signed;
    const key = this.all().find((k) => k.kid === fields.key_id);
    if (!key || typeof signature !== 'string') return false;
    try {
      return verify(null, Buffer.from(canonicalJson(fields), 'utf8'), key.publicKey, Buffer.from(signature, 'base64url'));
    } catch {
      return false;
    }
  }

  jwks(): { keys: PublicJwk[] } {
    return {
      keys: this.all()
        .slice()
        .reverse()
        .map((k) => ({ ...(k.publicKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string }), kid: k.kid, alg: 'EdDSA', use: 'sig' })),
    };
  }
}
