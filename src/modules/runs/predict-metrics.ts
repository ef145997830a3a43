import type { FastifyInstance } from 'fastify';
import type { MantisRequest } from '../../platform/http/request-context.js';
import type { MetricsService } from '../metrics/metrics.service.js';

const ACTIONS = new Set(['run', 'status', 'result', 'logs', 'cancel']);

/**
 * Counts every POST /v1/predict by action and status code once its response
 * is sent: refusals by a guard and idempotent replays included, which never
 * reach the handler's own code.
 */
export function installPredictMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    if (req.method !== 'POST' || req.routeOptions?.url !== '/v1/predict') return done();
    const raw = (req.body as { action?: unknown } | null | undefined)?.action ?? 'run';
    const action = typeof raw === 'string' && ACTIONS.has(raw) ? raw : 'invalid';
    const tenant = (req as MantisRequest).team?.slug ?? 'unknown';
    metrics.predictRequests.inc({ tenant_id: tenant, action, code: String(reply.statusCode) });
    done();
  });
}
