import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { createLogger, PinoNestLogger } from '../../src/platform/http/logger.js';
import type { ProcessRole } from '../../src/platform/process-roles.js';
import { LogCapture, testConfig } from './app.js';
import { createTestDatabase } from './database.js';
import { bindFactories } from './factories.js';

/**
 * The medium tier: the whole Mantis module graph as an application context
 * (no HTTP adapter, no listener) on its own fresh database. Tests call the
 * services as the controllers and the worker do; the factories work on
 * `prisma` as they do on a full test app's.
 */
export interface MediumApp {
  app: INestApplicationContext;
  config: AppConfig;
  /** The app's own client (queries outside a scope run as the connecting role). */
  prisma: PrismaService;
  logs: LogCapture;
  databaseUrl: string;
  get<T>(token: abstract new (...args: never[]) => T): T;
  close(): Promise<void>;
}

export interface MediumOptions {
  env?: Record<string, string | undefined>;
  /** Worker loops start only with `worker` (tests that step the dispatcher start it themselves). */
  roles?: ProcessRole[];
  databaseUrl?: string;
}

export async function bootMedium(opts: MediumOptions = {}): Promise<MediumApp> {
  const db = opts.databaseUrl ? undefined : await createTestDatabase('medium');
  const databaseUrl = opts.databaseUrl ?? db!.url;
  const { config } = testConfig(databaseUrl, opts.env);
  const logs = new LogCapture();
  const logger = createLogger(config.logLevel, logs);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, logger, databaseUrl, roles: opts.roles ?? [] }), {
    logger: new PinoNestLogger(logger),
  });
  await app.init();
  const prisma = app.get(PrismaService);
  bindFactories(prisma, app);
  return {
    app,
    config,
    prisma,
    logs,
    databaseUrl,
    get: (token) => app.get(token),
    async close() {
      await app.close();
      await db?.drop();
    },
  };
}
