import { lstat, mkdir, realpath } from 'node:fs/promises';
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

/**
 * A team's directory `$MANTIS_DATA_DIR/tenants/<tenant_id>/<area>`, created
 * if missing, refused if it (or the tenant directory) is a symlink or resolves
 * outside the data directory's tenants root.
 */
export async function tenantArea(dataDir: string, tenantId: string, area: 'profiles' | 'runs'): Promise<string> {
  if (!SLUG.test(tenantId)) throw new Error(`invalid tenant id ${JSON.stringify(tenantId)}`);
  const tenantsRoot = join(dataDir, 'tenants');
  await mkdir(tenantsRoot, { recursive: true });
  const realRoot = await realpath(tenantsRoot);
  const tenantDir = join(realRoot, tenantId);
  const areaDir = join(tenantDir, area);
  if ((await isSymlink(tenantDir)) || (await isSymlink(areaDir))) throw new Error(`tenant directory of ${tenantId} is a symlink`);
  await mkdir(areaDir, { recursive: true });
  const real = await realpath(areaDir);
  if (!inside(realRoot + sep + tenantId, real) || real === realRoot + sep + tenantId) throw new Error(`tenant directory of ${tenantId} escapes the data directory`);
  return real;
}

/**
 * The profile directory of a `state_key`, inside the team's profiles
 * directory. Refused (`invalid_state_key`): anything but the plain charset
 * (so `..`, separators, percent-encoding and absolute paths never get this
 * far), an existing symlink, and any path whose realpath leaves the root.
 */
export async function profileDir(dataDir: string, tenantId: string, stateKey: string): Promise<string> {
  const refuse = (why: string) => new RunFailure('invalid_state_key', `state_key refused: ${why}`);
  if (isAbsolute(stateKey)) throw refuse('absolute paths are not allowed');
  if (stateKey.includes('..') || /[/\\%\0]/.test(stateKey)) throw refuse('path traversal is not allowed');
  if (!STATE_KEY.test(stateKey)) throw refuse('letters, digits, underscore and dash only, at most 128 characters');
  const root = await tenantArea(dataDir, tenantId, 'profiles');
  const dir = join(root, stateKey);
  if (await isSymlink(dir)) throw refuse('the profile is a symlink');
  await mkdir(dir, { recursive: true });
  const real = await realpath(dir);
  if (!inside(root, real) || real === root) throw refuse('the profile resolves outside the team directory');
  return real;
}

/** The run's artifact directory `…/tenants/<tenant_id>/runs/<run_id>`. */
export async function runDir(dataDir: string, tenantId: string, runId: string): Promise<string> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(runId)) throw new Error('invalid run id');
  const root = await tenantArea(dataDir, tenantId, 'runs');
  const dir = join(root, runId);
  if (await isSymlink(dir)) throw new Error('run directory is a symlink');
  await mkdir(dir, { recursive: true });
  const real = await realpath(dir);
  if (!inside(root, real) || real === root) throw new Error('run directory escapes the team directory');
  return real;
}
