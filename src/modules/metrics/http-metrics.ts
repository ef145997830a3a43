import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Observes every response (guard refusals and 404s included) in
 * mantis_http_request_duration_seconds, labelled by the route template
 * (`/v1/runs/:run_id`), never the raw path, so ids and tokens in URLs cannot
 * reach a label and the series stay bounded.
 */
export function installHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const method = METHODS.has(req.method) ? req.method : 'OTHER';
    metrics.httpDuration.observe({ method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
