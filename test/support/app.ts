import { Writable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { PrismaPg } from '@prisma/adapter-pg';
import { createHttpApp } from '../../src/app.factory.js';
import { loadConfig, type AppConfig } from '../../src/config/app-config.js';
import { PrismaClient } from '../../src/generated/prisma/client.js';
import { createLogger } from '../../src/platform/http/logger.js';
import type { ProcessRole } from '../../src/platform/process-roles.js';
import { createTestDatabase } from './database.js';
import { bindFactories } from './factories.js';
import { TEST_MASTER_KEY } from './master-key.js';

/** Every log line the app wrote, for asserting that no secret ever reaches them. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  prisma: PrismaClient;
  logs: LogCapture;
  databaseUrl: string;
  dataDir: string;
  /** Base URL when started with `listen: true`. */
  url?: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  roles?: ProcessRole[];
  /** Reuse a database (e.g. two app instances on one database). */
  databaseUrl?: string;
  listen?: boolean;
  /** A query outside withTeam/system throws (PrismaService.requireScopes). */
  requireScopes?: boolean;
}

/** The configuration every test app runs with, `env` on top; its own data directory unless `env` names one. */
export function testConfig(databaseUrl: string, env: Record<string, string | undefined> = {}): { config: AppConfig; dataDir: string } {
  const dataDir = env.MANTIS_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'mantis-test-'));
  const config = loadConfig({
    MANTIS_LOG_LEVEL: 'info',
    MANTIS_CONFIG: undefined,
    MANTIS_MASTER_KEY: TEST_MASTER_KEY,
    // Suites send many refused requests from one address on purpose; the pre-auth limit has its own tests.
    MANTIS_PREAUTH_RATE_PER_MINUTE: '0',
    // Test websites live on 127.0.0.1: the browser egress policy lets only that address through (127.0.0.2 stays internal).
    MANTIS_BROWSER_PRIVATE_RANGES: '127.0.0.1/32',
    ...env,
    MANTIS_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
  });
  return { config, dataDir };
}

/**
 * A full Mantis HTTP app on its own fresh database (cloned from the migrated
 * template), with logs captured. Worker role is off unless asked for.
 */
export async function buildTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const db = opts.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = opts.databaseUrl ?? db!.url;
  const { config, dataDir } = testConfig(databaseUrl, opts.env);
  const logs = new LogCapture();
  const logger = createLogger(config.logLevel, logs);
  const app = await createHttpApp({ config, logger, databaseUrl, roles: opts.roles ?? ['api'] });
  if (opts.requireScopes) app.get(PrismaService).requireScopes();
  let url: string | undefined;
  if (opts.listen) {
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  bindFactories(prisma, app);
  return {
    app,
    config,
    prisma,
    logs,
    databaseUrl,
    dataDir,
    url,
    async close() {
      await app.close();
      await prisma.$disconnect();
      await db?.drop();
    },
  };
}
