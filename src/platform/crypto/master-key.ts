import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The vault's master key: `MANTIS_MASTER_KEY` (base64 of 32 bytes), else
 * `$MANTIS_DATA_DIR/master.key`, generated once with mode 0600. Creation is
 * atomic (write a temporary file, then hard-link it into place) so an API
 * process and a worker starting together agree on one key.
 */
export function loadMasterKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return decode(configured, 'MANTIS_MASTER_KEY');
  const path = join(dataDir, 'master.key');
  try {
    return decode(readFileSync(path, 'utf8'), path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dataDir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
  return decode(readFileSync(path, 'utf8'), path);
}

function decode(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${source}: the master key must be base64 of exactly 32 bytes`);
  return key;
}

/** The key from MANTIS_MASTER_KEY or the data directory's file, without creating one; undefined when there is none yet. */
export function readMasterKey(configured: string | undefined, dataDir: string): { key: Buffer; source: string } | undefined {
  if (configured) return { key: decode(configured, 'MANTIS_MASTER_KEY'), source: 'MANTIS_MASTER_KEY' };
  const path = join(dataDir, 'master.key');
  if (!existsSync(path)) return undefined;
  return { key: decode(readFileSync(path, 'utf8'), path), source: path };
}

/**
 * Names a master key without revealing it (an HMAC under the key, not the
 * key): recorded in the database at first boot so a process started with
 * another key is refused at boot and reported by `mantis doctor`.
 */
export function masterKeyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('mantis-master-key-fingerprint-v1').digest('hex');
}
