import { mkdir, rm, stat, writeFile, lstat, readFile, rename } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { ClaimedRun } from './executor.port.js';
import { ExecutorRepository } from './executor.repository.js';
import { profileDir, removeTenantDir, runDir, tenantArea } from './tenant-paths.js';

export type ArtifactKind = 'screenshot' | 'trace' | 'video';

/** One run's artifact directory and the rows describing what is in it. */
export class RunArtifacts {
  constructor(
    private readonly repo: ExecutorRepository,
    private readonly run: ClaimedRun,
    readonly dir: string,
    private readonly tenantRoot: string,
  ) {}

  path(file: string): string {
    return join(this.dir, file);
  }

  /** Records a file already written under the run directory. */
  async add(kind: ArtifactKind, name: string, file: string, contentType: string): Promise<void> {
    const abs = this.path(file);
    const size = (await stat(abs)).size;
    await this.repo.addArtifact(this.run.teamId, {
      runId: this.run.id,
      kind,
      name,
      path: relative(this.tenantRoot, abs).split(sep).join('/'),
      contentType,
      sizeBytes: size,
    });
  }

  async write(kind: ArtifactKind, name: string, file: string, data: Buffer, contentType: string): Promise<void> {
    await mkdir(dirname(this.path(file)), { recursive: true });
    await writeFile(this.path(file), data);
    await this.add(kind, name, file, contentType);
  }
}

/**
 * Files under `$MANTIS_DATA_DIR/tenants/<tenant_id>/`: run artifacts
 * (screenshots, trace, video) and `state_key` profiles.
 */
@Injectable()
export class ArtifactStore {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ExecutorRepository) private readonly repo: ExecutorRepository,
  ) {}

  tenantRoot(tenantId: string): string {
    return join(this.config.dataDir, 'tenants', tenantId);
  }

  /** The run's directory, emptied first when an earlier attempt left files behind. */
  async forRun(run: ClaimedRun): Promise<RunArtifacts> {
    let dir = await runDir(this.config.dataDir, run.teamSlug, run.id, run.teamId);
    if (run.attempt > 1) {
      await this.repo.deleteRunArtifacts(run.teamId, run.id);
      await rm(dir, { recursive: true, force: true });
      dir = await runDir(this.config.dataDir, run.teamSlug, run.id, run.teamId);
    }
    const root = dirname(await tenantArea(this.config.dataDir, run.teamSlug, 'runs'));
    return new RunArtifacts(this.repo, run, dir, root);
  }

  /** Where a `state_key`'s storage state lives; refused keys throw `invalid_state_key`. */
  async profileFile(tenantId: string, stateKey: string, teamId: string): Promise<string> {
    return join(await profileDir(this.config.dataDir, tenantId, stateKey, teamId), 'storage-state.json');
  }

  /** Team deletion: the team's profiles and run files go with it. */
  async removeTenant(tenantId: string): Promise<void> {
    await removeTenantDir(this.config.dataDir, tenantId);
  }

  /** The stored storage state, or undefined for a new profile. A symlinked file is refused. */
  async readProfile(file: string): Promise<unknown> {
    try {
      if ((await lstat(file)).isSymbolicLink()) throw new Error('profile file is a symlink');
      return JSON.parse(await readFile(file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Written to a temporary file and renamed, so concurrent runs never see half a profile. */
  async writeProfile(file: string, state: unknown): Promise<void> {
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
    await rename(tmp, file);
  }
}
