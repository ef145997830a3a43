import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
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
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {
    super();
  }

  async resolve(teamId: string, name: string): Promise<string | null> {
    if (!SECRET_NAME.test(name)) return null;
    // Workers resolve secrets outside any request: the team's wall holds here too.
    const value = await this.prisma.withTeam(teamId, async () => {
      const row = await this.repo.find(teamId, name);
      return row ? this.vault.decrypt(teamId, row) : null;
    });
    if (value !== null) return value;
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
