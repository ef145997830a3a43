import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { LOGGER } from '../../platform/http/logger.js';
import { loadMasterKey, masterKeyFingerprint, readMasterKey } from './master-key.js';
import { teamKeyAad, unwrapKey } from './vault-crypto.js';

/** The one row of `system_settings` and one wrapped team key: what the master key is checked against. */
export class SystemSettingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async recordedFingerprint(): Promise<string | null> {
    const row = await this.prisma.systemSetting.findUnique({ where: { id: 1 } });
    return row?.masterKeyFingerprint ?? null;
  }

  /** Records the fingerprint unless one is recorded already; returns the one that stands. */
  async recordFingerprint(fingerprint: string): Promise<string | null> {
    await this.prisma.$executeRaw`INSERT INTO system_settings (id, master_key_fingerprint) VALUES (1, ${fingerprint})
      ON CONFLICT (id) DO UPDATE SET master_key_fingerprint = EXCLUDED.master_key_fingerprint, updated_at = now()
      WHERE system_settings.master_key_fingerprint IS NULL`;
    return this.recordedFingerprint();
  }

  /** Any team's data key (cross-team on purpose: it only tests the master key). */
  async anyTeamKey(): Promise<{ teamId: string; version: number; wrappedKey: Buffer } | null> {
    const row = await this.prisma.teamKey.findFirst({ orderBy: { createdAt: 'asc' } });
    return row ? { teamId: row.teamId, version: row.version, wrappedKey: Buffer.from(row.wrappedKey) } : null;
  }
}

export type MasterKeyRecords = Pick<SystemSettingsRepository, 'recordedFingerprint' | 'anyTeamKey'>;

export type MasterKeyVerdict =
  | { ok: true; detail: string }
  | { ok: false; detail: string; fix: string };

const NOT_SET: MasterKeyVerdict = { ok: false, detail: 'MANTIS_MASTER_KEY is not set', fix: 'with DATABASE_URL every process must share one key: set MANTIS_MASTER_KEY (e.g. `openssl rand -base64 32`)' };

const RESTORE = 'set MANTIS_MASTER_KEY to the key this database was set up with (secrets written under one key cannot be read with another)';

/**
 * Whether this process's master key is present and is the database's:
 * against the recorded fingerprint, else (nothing recorded yet, `deep`) by
 * unwrapping one stored team key. Never creates a key. `repo` null: the
 * database is not reachable, only presence is checked.
 */
export async function verifyMasterKey(config: AppConfig, repo: MasterKeyRecords | null, deep = false): Promise<MasterKeyVerdict> {
  // With a shared database a key file beside one process is not enough: every process needs the same MANTIS_MASTER_KEY.
  if (deep && config.databaseUrl && !config.masterKey) {
    return NOT_SET;
  }
  let found: ReturnType<typeof readMasterKey>;
  try {
    found = readMasterKey(config.masterKey, config.dataDir);
  } catch (e) {
    return { ok: false, detail: (e as Error).message, fix: 'restore the original key (base64 of 32 bytes)' };
  }
  if (!found) {
    if (config.databaseUrl) {
      return NOT_SET;
    }
    return { ok: true, detail: `none yet; generated into ${config.dataDir}/master.key at first use` };
  }
  const mine = masterKeyFingerprint(found.key);
  if (!repo) return { ok: true, detail: `${found.source} present (fingerprint ${mine}; not compared: no database to compare with)` };
  const recorded = await repo.recordedFingerprint();
  if (recorded) {
    return recorded === mine
      ? { ok: true, detail: `${found.source} matches the database (fingerprint ${mine})` }
      : { ok: false, detail: `${found.source} (fingerprint ${mine}) is not the key this database was set up with (${recorded})`, fix: RESTORE };
  }
  const teamKey = deep ? await repo.anyTeamKey() : null;
  if (teamKey && !unwraps(found.key, teamKey)) {
    return { ok: false, detail: `${found.source} does not unwrap the stored team keys`, fix: RESTORE };
  }
  return { ok: true, detail: `${found.source} present (fingerprint ${mine}; the database records it at the next start)` };
}

function unwraps(key: Buffer, t: { teamId: string; version: number; wrappedKey: Buffer }): boolean {
  try {
    unwrapKey(key, t.wrappedKey, teamKeyAad(t.teamId, t.version));
    return true;
  } catch {
    return false;
  }
}

/**
 * At start: records the master key's fingerprint when the database has none
 * (first start, or a database from before fingerprints), and says loudly when
 * this process's key is another one.
 */
@Injectable()
export class MasterKeyRecorder implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const repo = new SystemSettingsRepository(this.prisma);
    try {
      const key = loadMasterKey(this.config.masterKey, this.config.dataDir);
      const mine = masterKeyFingerprint(key);
      let recorded = await repo.recordedFingerprint();
      if (!recorded) {
        // Team keys wrapped under another key: do not record this one as the database's.
        const teamKey = await repo.anyTeamKey();
        recorded = teamKey && !unwraps(key, teamKey) ? 'unknown' : await repo.recordFingerprint(mine);
      }
      if (recorded !== mine) {
        this.logger.error({ component: 'vault', fingerprint: mine, recorded }, `the master key is not the one this database was set up with: secrets will not decrypt; ${RESTORE}`);
      }
    } catch (e) {
      this.logger.warn({ component: 'vault', err: (e as Error).message }, 'could not check the master key fingerprint (run mantis doctor)');
    }
  }
}
