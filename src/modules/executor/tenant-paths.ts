import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';
import { RunFailure } from './run-failure.js';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const STATE_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** `candidate` is `root` itself or strictly inside it (compared after realpath). */
function inside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + sep);
}

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

const OWNER_FILE = '.team-id';

async function readOwner(tenantDir: string): Promise<string | null> {
  try {
    return (await readFile(join(tenantDir, OWNER_FILE), 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Makes `tenantDir` the directory of the team `ownerId`. A slug is reusable
 * after its team is deleted but the team id never is: the directory records
 * its team's id, and one left by a deleted team of the same slug (on any
 * host sharing the data directory) is removed before the new team gets it,
 * so it starts empty. A directory from before the record is adopted.
 */
async function claimTenantDir(realRoot: string, tenantDir: string, ownerId: string): Promise<void> {
  const owner = await readOwner(tenantDir);
  if (owner === ownerId) return;
  if (owner !== null) {
    const aside = join(realRoot, `.deleted-${randomBytes(6).toString('hex')}`);
    await rename(tenantDir, aside).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rm(aside, { recursive: true, force: true });
  }
  await mkdir(tenantDir, { recursive: true, mode: 0o700 });
  try {
    await writeFile(join(tenantDir, OWNER_FILE), ownerId, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    if ((await readOwner(tenantDir)) !== ownerId) throw new Error('tenant directory was claimed by another team', { cause: e });
  }
}

/** Removes a team's directory (team deletion): nothing of it is left for a later team with the slug. */
export async function removeTenantDir(dataDir: string, tenantId: string): Promise<void> {
  if (!SLUG.test(tenantId)) return;
  const tenantsRoot = join(dataDir, 'tenants');
  const dir = join(tenantsRoot, tenantId);
  if (await isSymlink(dir)) throw new Error(`tenant directory of ${tenantId} is a symlink`);
  const aside = join(tenantsRoot, `.deleted-${randomBytes(6).toString('hex')}`);
  try {
    await rename(dir, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await rm(aside, { recursive: true, force: true });
}

/**
 * A team's directory `$MANTIS_DATA_DIR/tenants/<tenant_id>/<area>`, created
 * if missing, refused if it (or the tenant directory) is a symlink or resolves
 * outside the data directory's tenants root. With `ownerId` (the team's
 * immutable id), a directory left by a deleted team of the same slug is
 * emptied first.
 */
export async function tenantArea(dataDir: string, tenantId: string, area: 'profiles' | 'runs', ownerId?: string): Promise<string> {
  if (!SLUG.test(tenantId)) throw new Error(`invalid tenant id ${JSON.stringify(tenantId)}`);
  const tenantsRoot = join(dataDir, 'tenants');
  await mkdir(tenantsRoot, { recursive: true });
  const realRoot = await realpath(tenantsRoot);
  const tenantDir = join(realRoot, tenantId);
  const areaDir = join(tenantDir, area);
  if ((await isSymlink(tenantDir)) || (await isSymlink(areaDir))) throw new Error(`tenant directory of ${tenantId} is a symlink`);
  if (ownerId) await claimTenantDir(realRoot, tenantDir, ownerId);
  await mkdir(areaDir, { recursive: true, mode: 0o700 });
  const real = await realpath(areaDir);
  if (!inside(realRoot + sep + tenantId, real) || real === realRoot + sep + tenantId)
    throw new Error(`tenant directory of ${tenantId} escapes the data directory`);
  return real;
}

/**
 * The profile directory of a `state_key`, inside the team's profiles
 * directory. Refused (`invalid_state_key`): anything but the plain charset
 * (so `..`, separators, percent-encoding and absolute paths never get this
 * far), an existing symlink, and any path whose realpath leaves the root.
 */
export async function profileDir(dataDir: string, tenantId: string, stateKey: string, ownerId?: string): Promise<string> {
  const refuse = (why: string) => new RunFailure('invalid_state_key', `state_key refused: ${why}`);
  if (isAbsolute(stateKey)) throw refuse('absolute paths are not allowed');
  if (stateKey.includes('..') || /[/\\%\0]/.test(stateKey)) throw refuse('path traversal is not allowed');
  if (!STATE_KEY.test(stateKey)) throw refuse('letters, digits, underscore and dash only, at most 128 characters');
  const root = await tenantArea(dataDir, tenantId, 'profiles', ownerId);
  const dir = join(root, stateKey);
  if (await isSymlink(dir)) throw refuse('the profile is a symlink');
  await mkdir(dir, { recursive: true });
  const real = await realpath(dir);
  if (!inside(root, real) || real === root) throw refuse('the profile resolves outside the team directory');
  return real;
}

/** The run's artifact directory `…/tenants/<tenant_id>/runs/<run_id>`. */
export async function runDir(dataDir: string, tenantId: string, runId: string, ownerId?: string): Promise<string> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(runId)) throw new Error('invalid run id');
  const root = await tenantArea(dataDir, tenantId, 'runs', ownerId);
  const dir = join(root, runId);
  if (await isSymlink(dir)) throw new Error('run directory is a symlink');
  await mkdir(dir, { recursive: true });
  const real = await realpath(dir);
  if (!inside(root, real) || real === root) throw new Error('run directory escapes the team directory');
  return real;
}
