import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { masterKeyFingerprint, readMasterKey } from '../../platform/crypto/master-key.js';
import { teamKeyAad, unwrapKey } from './vault-crypto.js';

/**
 * What the master key is checked against: the fingerprint the database
 * recorded at first boot (`mantis_instance`, written by MasterKeyCheck) and
 * one wrapped team key. Read through the system path: it spans teams.
 */
@Injectable()
export class SystemSettingsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async recordedFingerprint(): Promise<string | null> {
    const row = await this.prisma.system((tx) => tx.mantisInstance.findUnique({ where: { id: 1 } }));
    return row?.masterKeyFingerprint ?? null;
  }

  /** Any team's data key (cross-team on purpose: it only tests the master key). */
  async anyTeamKey(): Promise<{ teamId: string; version: number; wrappedKey: Buffer } | null> {
    const row = await this.prisma.system((tx) => tx.teamKey.findFirst({ orderBy: { createdAt: 'asc' } }));
    return row ? { teamId: row.teamId, version: row.version, wrappedKey: Buffer.from(row.wrappedKey) } : null;
  }
}

export type MasterKeyRecords = Pick<SystemSettingsRepository, 'recordedFingerprint' | 'anyTeamKey'>;

export type MasterKeyVerdict = { ok: true; detail: string } | { ok: false; detail: string; fix: string };

const NOT_SET: MasterKeyVerdict = {
  ok: false,
  detail: 'MANTIS_MASTER_KEY is not set',
  fix: 'with DATABASE_URL every process must share one key: set MANTIS_MASTER_KEY (e.g. `openssl rand -base64 32`)',
};

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
  // Shown shortened: enough to tell two keys apart.
  const mine = masterKeyFingerprint(found.key).slice(0, 16);
  if (!repo) return { ok: true, detail: `${found.source} present (fingerprint ${mine}; not compared: no database to compare with)` };
  const recorded = (await repo.recordedFingerprint())?.slice(0, 16);
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
