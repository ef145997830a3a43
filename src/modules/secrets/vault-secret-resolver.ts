import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { SecretResolver, type PlanSecret } from './secret-resolver.port.js';
import { SECRET_NAME } from './secrets.schemas.js';
import { SecretsRepository } from './secrets.repository.js';
import { VaultService } from './vault.service.js';

const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * Team vault first, then a file under `$MANTIS_SECRETS_DIR` (one trailing
 * newline dropped, as files written by editors and `echo` carry one): the
 * shared root for operator-named secrets, the team's own `<tenant_id>/`
 * directory for secrets a plan names, so no team can read a file meant for
 * the operator or another team. Names that could leave the directory are
 * never looked up.
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
    return this.fromFile(join(this.config.secretsDir, name));
  }

  async resolveForPlan(teamId: string, tenantId: string, name: string): Promise<PlanSecret | null> {
    if (!SECRET_NAME.test(name) || !TENANT_ID.test(tenantId)) return null;
    const stored = await this.prisma.withTeam(teamId, async () => {
      const row = await this.repo.find(teamId, name);
      return row ? { value: await this.vault.decrypt(teamId, row), origins: row.origins } : null;
    });
    if (stored) return stored;
    const value = await this.fromFile(join(this.config.secretsDir, tenantId, name));
    return value === null ? null : { value, origins: [] };
  }

  private async fromFile(path: string): Promise<string | null> {
    try {
      const text = await readFile(path, 'utf8');
      return text.replace(/\r?\n$/, '');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
      throw e;
    }
  }
}
