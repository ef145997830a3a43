import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric Mantis exports on /metrics. Tenant metrics are labelled `tenant_id` (the
 * team slug, bounded by the number of teams) and never carry a token, key,
 * email or URL. One registry per app instance so tests stay independent.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly predictRequests = new Counter({
    name: 'mantis_predict_requests_total',
    help: 'POST /v1/predict calls by action and outcome code',
    labelNames: ['tenant_id', 'action', 'code'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'mantis_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly runsInFlight = new Gauge({
    name: 'mantis_runs_in_flight',
    help: 'Runs queued or running',
    labelNames: ['tenant_id'] as const,
    registers: [this.registry],
  });
  readonly runsTotal = new Counter({
    name: 'mantis_runs_total',
    help: 'Runs that reached a terminal status',
    labelNames: ['tenant_id', 'status'] as const,
    registers: [this.registry],
  });
  readonly runDuration = new Histogram({
    name: 'mantis_run_duration_seconds',
    help: 'Run duration from start to terminal status',
    labelNames: ['tenant_id', 'status'] as const,
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [this.registry],
  });
  readonly runCost = new Counter({
    name: 'mantis_run_cost_usd_total',
    help: 'Cost of finished runs in USD',
    labelNames: ['tenant_id'] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'mantis_rate_limited_total',
    help: 'Requests refused by the team rate limit',
    labelNames: ['tenant_id'] as const,
    registers: [this.registry],
  });
  readonly concurrencyRejected = new Counter({
    name: 'mantis_concurrency_rejected_total',
    help: 'Run requests refused by max_concurrent_runs',
    labelNames: ['tenant_id'] as const,
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'mantis_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome',
    labelNames: ['tenant_id', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'mantis_auth_failures_total',
    help: 'Refused credentials by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly rateLimitFallback = new Counter({
    name: 'mantis_rate_limit_fallback_total',
    help: 'Rate-limit decisions taken from the in-process buckets because Redis was unreachable',
    registers: [this.registry],
  });
  readonly preauthLimited = new Counter({
    name: 'mantis_preauth_rate_limited_total',
    help: 'Unauthenticated or failed-credential requests refused by the per-address limit',
    registers: [this.registry],
  });

  private readonly tenants = new Set<string>();

  /**
   * Gives a team's counters a 0 sample the first time the team is seen, so a
   * dashboard shows 0 for a team whose runs cost nothing, not "no data".
   */
  touchTenant(tenantId: string): void {
    if (this.tenants.has(tenantId)) return;
    this.tenants.add(tenantId);
    const labels = { tenant_id: tenantId };
    this.runCost.inc(labels, 0);
    this.rateLimited.inc(labels, 0);
    this.concurrencyRejected.inc(labels, 0);
    for (const status of ['succeeded', 'failed', 'cancelled', 'timed_out']) this.runsTotal.inc({ ...labels, status }, 0);
  }

  constructor() {
    // Standard process_* and nodejs_* names, as dashboards and alerts expect.
    collectDefaultMetrics({ register: this.registry });
    // Gauges named *_total break the exposition conventions (promtool rejects
    // them); their per-type breakdowns nodejs_active_{handles,requests,resources} stay.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
  }
}
