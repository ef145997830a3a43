import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { createHttpApp } from './app.factory.js';
import { AppModule } from './app.module.js';
import { loadConfig, type AppConfig } from './config/app-config.js';
import { prepareDatabase } from './platform/database/prepare-database.js';
import { createLogger, PinoNestLogger } from './platform/http/logger.js';
import type { ProcessRole } from './platform/process-roles.js';
import { startWorkerMetricsServer } from './platform/worker-metrics-server.js';
import { MetricsService } from './modules/metrics/metrics.service.js';
import { logFirstRunHint } from './modules/health/first-run-hint.js';
import { PrismaService } from './platform/database/prisma.service.js';

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

/** The command that runs these roles, as the CLI names it. */
function commandFor(roles: ProcessRole[]): string {
  return roles.includes('api') ? (roles.includes('worker') ? 'start' : 'serve') : 'worker';
}

/** Starts Mantis in the given roles: the HTTP API, the worker, or both (`npm start`). */
export async function startMantis(opts: RuntimeOptions): Promise<Runtime> {
  const config = opts.config ?? loadConfig(opts.env);
  const logger = opts.logger ?? createLogger(config.logLevel);
  const { databaseUrl, embedded } = await prepareDatabase(config, logger, { role: 'server', command: commandFor(opts.roles) });
  const appOptions = { config, logger, databaseUrl, roles: opts.roles };

  let app: NestFastifyApplication | INestApplicationContext | undefined;
  let port: number | undefined;
  let metricsServer: { port: number; close: () => Promise<void> } | undefined;
  try {
    if (opts.roles.includes('api')) {
      const http = await createHttpApp(appOptions);
      app = http;
      await http.listen(config.port, config.host);
      port = (http.getHttpServer().address() as { port: number }).port;
      logger.info({ port, roles: opts.roles }, 'mantis listening');
      await logFirstRunHint(http.get(PrismaService), logger, config, port);
    } else {
      app = await NestFactory.createApplicationContext(AppModule.forRoot(appOptions), { logger: new PinoNestLogger(logger) });
      await app.init();
      if (config.worker.metricsPort !== undefined) {
        metricsServer = await startWorkerMetricsServer(app.get(MetricsService).registry, config.worker.metricsPort, config.host);
      }
      logger.info({ roles: opts.roles, metricsPort: metricsServer?.port }, 'mantis worker started');
    }
  } catch (e) {
    // A failed start leaves nothing running: no half-open app, no embedded PostgreSQL.
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw e;
  }

  const started = app;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await metricsServer?.close();
      await started.close(); // drains HTTP, stops workers (onApplicationShutdown), closes pools
      await embedded?.stop();
    })());
  return { config, logger, databaseUrl, app: started, port, close };
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
