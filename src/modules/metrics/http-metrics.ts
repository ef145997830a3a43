import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

type Observer = { observe(seconds: number): void };

/**
 * Observes every response (guard refusals and 404s included) in
 * mantis_http_request_duration_seconds, labelled by the route template
 * (`/v1/runs/:run_id`), never the raw path, so ids and tokens in URLs cannot
 * reach a label and the series stay bounded.
 *
 * The labelled child of each (method, route, status) is looked up once and
 * kept: the series are bounded by the route table, and prom-client would
 * otherwise hash the label object on every request.
 */
export function installHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  const children = new Map<string, Observer>();
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const method = METHODS.has(req.method) ? req.method : 'OTHER';
    const status = reply.statusCode;
    const key = `${method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = metrics.httpDuration.labels(method, route, String(status));
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
}
