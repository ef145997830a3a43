import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppOptions } from './app.module.js';
import { attachRequestTransactions } from './modules/audit/request-transactions.js';
import { PinoNestLogger } from './platform/http/logger.js';
import { installJsonDepthLimit } from './platform/http/json-depth.js';
import { serveConsole } from './platform/http/console-static.js';
import { setupOpenApi } from './platform/http/openapi.js';
import { newRequestId } from './platform/http/request-id.js';

const BODY_LIMIT = 1024 * 1024;
const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the HTTP application (not listening yet): used by `serve`, `start` and the tests. */
export async function createHttpApp(opts: AppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // X-Forwarded-For is believed only from the configured proxies; otherwise anyone could name their own address.
    trustProxy: opts.config.admission.trustedProxies.length > 0 ? [...opts.config.admission.trustedProxies] : false,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : newRequestId();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(opts), adapter, {
    logger: new PinoNestLogger(opts.logger),
    bufferLogs: false,
  });
  installJsonDepthLimit(app, BODY_LIMIT);
  const fastify = app.getHttpAdapter().getInstance();
  // Callback-style hooks: an async hook costs a promise per request on every route.
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  if (opts.logger.isLevelEnabled('info')) {
    fastify.addHook('onResponse', (req, reply, done) => {
      opts.logger.info(
        { reqId: req.id, method: req.method, route: req.routeOptions?.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
      done();
    });
  }
  setupOpenApi(app);
  await serveConsole(app);
  attachRequestTransactions(app);
  await app.init();
  return app;
}
