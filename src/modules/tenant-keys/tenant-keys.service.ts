import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { LOGGER } from '../../platform/http/logger.js';
import { PROCESS_ROLES, type ProcessRole } from '../../platform/process-roles.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { importKeysFileEntries } from './keys-file-import.js';
import { KeysFileError, parseKeysFile } from './keys-file.schema.js';
import { TenantKeysRepository, type ImportSummary } from './tenant-keys.repository.js';

export type ImportResult = { ok: true; summary: ImportSummary } | { ok: false; reason: string };

/** Reads and parses a keys file; a missing or unreadable file counts as malformed. */
export async function readKeysFile(path: string): Promise<{ text: string } | { error: string }> {
  try {
    return { text: await readFile(path, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'file not found' : `file not readable (${code ?? 'error'})` };
  }
}

/**
 * The tenant keys file (MANTIS_TENANT_KEYS_PATH) as an import source: imported
 * at start, then re-imported whenever its content changes (polled every
 * MANTIS_KEYS_FILE_POLL_MS, default 1 s). A malformed file changes nothing and
 * logs one error line per distinct bad content; the last good import stays.
 */
@Injectable()
export class TenantKeysService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private lastDigest?: string;
  private running?: Promise<void>;

  constructor(
    private readonly repo: TenantKeysRepository,
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROCESS_ROLES) private readonly roles: ProcessRole[],
  ) {}

  /** Imports a file's text once (the CLI's `mantis keys import`). */
  async importText(text: string): Promise<ImportResult> {
    let entries;
    try {
      entries = parseKeysFile(text);
    } catch (e) {
      if (e instanceof KeysFileError) return { ok: false, reason: e.message };
      throw e;
    }
    return { ok: true, summary: await importKeysFileEntries(this.prisma, this.repo, entries, 'keys_file') };
  }

  async onApplicationBootstrap(): Promise<void> {
    const path = this.config.tenantKeysPath;
    if (!path || !this.roles.includes('api')) return;
    await this.check(path);
    this.timer = setInterval(() => {
      this.running ??= this.check(path).finally(() => (this.running = undefined));
    }, this.config.keysFilePollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One poll: re-import when the content differs from the last content seen. */
  private async check(path: string): Promise<void> {
    const read = await readKeysFile(path);
    const digest = 'text' in read ? createHash('sha256').update(read.text).digest('hex') : `error:${read.error}`;
    if (digest === this.lastDigest) return;
    this.lastDigest = digest;
    if ('error' in read) {
      this.logger.error({ path, reason: read.error }, 'tenant keys file rejected; keeping the last good keys');
      return;
    }
    try {
      const result = await this.importText(read.text);
      if (result.ok) this.logger.info({ path, ...result.summary }, 'tenant keys file imported');
      else this.logger.error({ path, reason: result.reason }, 'tenant keys file rejected; keeping the last good keys');
    } catch (err) {
      this.lastDigest = undefined; // retry on the next poll
      this.logger.error({ path, err }, 'tenant keys file import failed; keeping the last good keys');
    }
  }
}
