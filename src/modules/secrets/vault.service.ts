import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { SecretsRepository, type SecretRow } from './secrets.repository.js';
import { loadMasterKey } from '../../platform/crypto/master-key.js';
import { newDataKey, open, seal, secretAad, teamKeyAad, unwrapKey, wrapKey } from './vault-crypto.js';

/** Raised when stored bytes do not decrypt (tampered, or moved from another team). Names the secret, never its value. */
export class VaultIntegrityError extends Error {}

/**
 * AES-256-GCM envelope encryption: each team has a data key, wrapped by the
 * master key with the team id as associated data; each secret is sealed
 * under its team's data key with the team id and name as associated data.
 */
@Injectable()
export class VaultService {
  private masterKey?: Buffer;
  private readonly dataKeys = new Map<string, Buffer>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SecretsRepository) private readonly repo: SecretsRepository,
  ) {}

  private master(): Buffer {
    this.masterKey ??= loadMasterKey(this.config.masterKey, this.config.dataDir);
    return this.masterKey;
  }

  async encrypt(teamId: string, name: string, value: string): Promise<{ ciphertext: Buffer; nonce: Buffer; keyVersion: number }> {
    const { version, key } = await this.currentDataKey(teamId);
    const sealed = seal(key, Buffer.from(value, 'utf8'), secretAad(teamId, name));
    return { ...sealed, keyVersion: version };
  }

  async decrypt(teamId: string, row: SecretRow): Promise<string> {
    const key = await this.dataKey(teamId, row.keyVersion);
    try {
      return open(key, { nonce: row.nonce, ciphertext: row.ciphertext }, secretAad(teamId, row.name)).toString('utf8');
    } catch {
      throw new VaultIntegrityError(`secret ${row.name} failed to decrypt for this team`);
    }
  }

  private async currentDataKey(teamId: string): Promise<{ version: number; key: Buffer }> {
    let latest = await this.repo.latestTeamKey(teamId);
    if (!latest) {
      await this.repo.insertTeamKey(teamId, 1, wrapKey(this.master(), newDataKey(), teamKeyAad(teamId, 1)));
      latest = await this.repo.latestTeamKey(teamId);
      if (!latest) throw new Error('team key was not stored');
    }
    return { version: latest.version, key: this.unwrap(teamId, latest.version, latest.wrappedKey) };
  }

  private async dataKey(teamId: string, version: number): Promise<Buffer> {
    const cached = this.dataKeys.get(`${teamId}:${version}`);
    if (cached) return cached;
    const wrapped = await this.repo.teamKey(teamId, version);
    if (!wrapped) throw new VaultIntegrityError(`team key version ${version} is missing`);
    return this.unwrap(teamId, version, wrapped);
  }

  private unwrap(teamId: string, version: number, wrapped: Buffer): Buffer {
    const id = `${teamId}:${version}`;
    const cached = this.dataKeys.get(id);
    if (cached) return cached;
    let key: Buffer;
    try {
      key = unwrapKey(this.master(), wrapped, teamKeyAad(teamId, version));
    } catch {
      throw new VaultIntegrityError('the team key does not unwrap under this master key');
    }
    this.dataKeys.set(id, key);
    return key;
  }
}
