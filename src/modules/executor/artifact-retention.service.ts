import { rm } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { LOGGER } from '../../platform/http/logger.js';
import { PROCESS_ROLES, type ProcessRole } from '../../platform/process-roles.js';
import { ExecutorRepository } from './executor.repository.js';

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const BATCH = 500;

/**
 * Removes artifacts (files and rows) older than MANTIS_ARTIFACT_RETENTION_DAYS
 * (0 keeps them forever). Workers sweep at boot and then hourly.
 */
@Injectable()
export class ArtifactRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROCESS_ROLES) private readonly roles: ProcessRole[],
    @Inject(ExecutorRepository) private readonly repo: ExecutorRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.roles.includes('worker') || this.config.artifactRetentionDays === 0) return;
    const tick = () => void this.sweep().catch((e: Error) => this.logger.warn({ err: e.message }, 'artifact retention sweep failed'));
    tick();
    this.timer = setInterval(tick, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Deletes expired artifacts; returns how many. `now` is for callers that sweep on demand. */
  async sweep(now = new Date()): Promise<number> {
    if (this.config.artifactRetentionDays === 0) return 0;
    const before = new Date(now.getTime() - this.config.artifactRetentionDays * 86_400_000);
    let removed = 0;
    for (;;) {
      const rows = await this.repo.expiredArtifacts(before, BATCH);
      if (rows.length === 0) break;
      const runDirs = new Set<string>();
      for (const row of rows) {
        const root = join(this.config.dataDir, 'tenants', row.teamSlug);
        const file = join(root, row.path);
        if (file.startsWith(root + sep)) {
          await rm(file, { force: true });
          if (row.path.startsWith('runs/')) runDirs.add(join(root, 'runs', row.runId));
        }
        await this.repo.deleteArtifact(row.teamId, row.id);
        removed++;
      }
      for (const dir of runDirs) await rm(join(dir, 'video-parts'), { recursive: true, force: true }).then(() => rmEmpty(dir));
      if (rows.length < BATCH) break;
    }
    if (removed > 0) this.logger.info({ removed, retention_days: this.config.artifactRetentionDays }, 'expired artifacts removed');
    return removed;
  }
}

/** Removes the run directory and its screenshots folder once they are empty. */
async function rmEmpty(dir: string): Promise<void> {
  const { rmdir } = await import('node:fs/promises');
  for (const d of [join(dir, 'screenshots'), dir, dirname(join(dir, 'x'))]) await rmdir(d).catch(() => undefined);
}
