import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { SecretResolver } from './secret-resolver.port.js';
import { SECRET_NAME } from './secrets.schemas.js';
import { SecretsRepository } from './secrets.repository.js';
import { VaultService } from './vault.service.js';

/**
 * Team vault first, then the file `$MANTIS_SECRETS_DIR/<name>` (one trailing
 * newline dropped, as files written by editors and `echo` carry one). Names
 * that could leave the directory are never looked up.
 */
@Injectable()
export class VaultSecretResolver extends SecretResolver {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SecretsRepository) private readonly repo: SecretsRepository,
    @Inject(VaultService) private readonly vault: VaultService,
  ) {
    super();
  }

  async resolve(teamId: string, name: string): Promise<string | null> {
    if (!SECRET_NAME.test(name)) return null;
    const row = await this.repo.find(teamId, name);
    if (row) return this.vault.decrypt(teamId, row);
    return this.fromFile(name);
  }

  private async fromFile(name: string): Promise<string | null> {
    try {
      const text = await readFile(join(this.config.secretsDir, name), 'utf8');
      return text.replace(/\r?\n$/, '');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
      throw e;
    }
  }
}
