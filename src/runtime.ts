import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { createHttpApp } from './app.factory.js';
import { AppModule } from './app.module.js';
import { loadConfig, type AppConfig } from './config/app-config.js';
import type { EmbeddedDatabase } from './platform/database/embedded-postgres.js';
import { migrate } from './platform/database/migrator.js';
import { createLogger, PinoNestLogger } from './platform/http/logger.js';
import type { ProcessRole } from './platform/process-roles.js';
import { startWorkerMetricsServer } from './platform/worker-metrics-server.js';
import { MetricsService } from './modules/metrics/metrics.service.js';

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  roles: ProcessRole[];
  config?: AppConfig;
  logger?: Logger;
}

export interface Runtime {
  config: AppConfig;
  logger: Logger;
  databaseUrl: string;
  app: NestFastifyApplication | INestApplicationContext;
  /** The bound port when serving HTTP. */
  port?: number;
  close(): Promise<void>;
}

/** Resolves the database (configured or embedded) and applies migrations unless disabled. */
export async function prepareDatabase(config: AppConfig, logger: Logger, applyMigrations = config.autoMigrate) {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    // Loaded only when needed: the package installs process exit hooks of its own.
    const { startEmbeddedPostgres } = await import('./platform/database/embedded-postgres.js');
    embedded = await startEmbeddedPostgres(config.dataDir, logger);
    databaseUrl = embedded.url;
  }
  if (applyMigrations) {
    const applied = await migrate(databaseUrl);
    if (applied.length) logger.info({ applied }, 'migrations applied');
  }
  return { databaseUrl, embedded };
}

/** Starts Mantis in the given roles: the HTTP API, the worker, or both (`npm start`). */
export async function startMantis(opts: RuntimeOptions): Promise<Runtime> {
  const config = opts.config ?? loadConfig(opts.env);
  const logger = opts.logger ?? createLogger(config.logLevel);
  const { databaseUrl, embedded } = await prepareDatabase(config, logger);
  const appOptions = { config, logger, databaseUrl, roles: opts.roles };

  let app: NestFastifyApplication | INestApplicationContext;
  let port: number | undefined;
  let metricsServer: { port: number; close: () => Promise<void> } | undefined;
  if (opts.roles.includes('api')) {
    const http = await createHttpApp(appOptions);
    await http.listen(config.port, config.host);
    port = (http.getHttpServer().address() as { port: number }).port;
    logger.info({ port, roles: opts.roles }, 'mantis listening');
    app = http;
  } else {
    app = await NestFactory.createApplicationContext(AppModule.forRoot(appOptions), { logger: new PinoNestLogger(logger) });
    await app.init();
    if (config.worker.metricsPort !== undefined) {
      metricsServer = await startWorkerMetricsServer(app.get(MetricsService).registry, config.worker.metricsPort, config.host);
    }
    logger.info({ roles: opts.roles, metricsPort: metricsServer?.port }, 'mantis worker started');
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await metricsServer?.close();
      await app.close(); // drains HTTP, stops workers (onApplicationShutdown), closes pools
      await embedded?.stop();
    })());
  return { config, logger, databaseUrl, app, port, close };
}

/**
 * Runs until SIGINT/SIGTERM, then shuts down gracefully: drain HTTP, let the
 * worker finish or release its runs, close pools, stop the embedded database.
 * Shutdown is ours alone: handlers that libraries install (some exit at once
 * with 128+signal) are replaced, before start and again after it.
 */
export async function runUntilSignalled(opts: RuntimeOptions): Promise<void> {
  let rt: Runtime | undefined;
  let requested: NodeJS.Signals | undefined;
  const stop = async (signal: NodeJS.Signals) => {
    if (!rt) return;
    rt.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      rt?.logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, 30_000);
    timer.unref();
    try {
      await rt.close();
      process.exit(0);
    } catch (e) {
      rt.logger.error({ err: e }, 'shutdown failed');
      process.exit(1);
    }
  };
  const own = () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, () => {
        if (requested) return;
        requested = signal;
        void stop(signal);
      });
    }
  };
  own();
  rt = await startMantis(opts);
  own();
  if (requested) await stop(requested);
}
