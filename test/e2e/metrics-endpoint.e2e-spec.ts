import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunCompletionNotifier } from '../../src/modules/webhooks/run-completion.port.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser } from '../support/factories.js';
import { eventually, WebhookReceiver } from '../support/webhook-receiver.js';

/** The value of one sample line, e.g. `mantis_rate_limited_total{tenant_id="a"}`; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const got = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v) && Object.keys(got).length === Object.keys(labels).length) return Number(m[2]);
  }
  return 0;
}

describe('GET /metrics (open)', () => {
  let t: TestApp;
  let rx: WebhookReceiver;
  beforeAll(async () => {
    rx = await WebhookReceiver.start();
    t = await buildTestApp({ roles: ['api', 'worker'], env: { MANTIS_WORKER_POLL_MS: '50', MANTIS_WEBHOOK_ALLOW_PRIVATE: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  it('after a known sequence of requests shows exact per-tenant counts, no token, email or raw path, and passes promtool', async () => {
    const alpha = await createTeam(t.prisma, { slug: `alpha-${Date.now()}` });
    // A bucket of one token, refilled once a minute: the second request is refused however slow the machine.
    const beta = await createTeam(t.prisma, { slug: `beta-${Date.now()}`, rateLimitPerMinute: 1 });
    const ownerA = await createUser(t.prisma, { team: alpha, role: 'team_owner' });
    const opB = await createUser(t.prisma, { team: beta, role: 'operator' });
    const inject = (method: 'GET' | 'POST', url: string, key?: string, payload?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: { ...(key ? { 'x-mantis-token': key } : {}), ...(payload ? { 'content-type': 'application/json' } : {}) },
        ...(payload ? { payload: JSON.stringify(payload) } : {}),
      });

    // alpha: two delivery-log reads, one predict status for an unknown run (404), one invalid action (400).
    expect((await inject('GET', `/api/v1/teams/${alpha.slug}/webhook-deliveries`, ownerA.key)).statusCode).toBe(200);
    expect((await inject('GET', `/api/v1/teams/${alpha.slug}/webhook-deliveries?limit=5`, ownerA.key)).statusCode).toBe(200);
    expect((await inject('POST', '/v1/predict', ownerA.key, { action: 'status', run_id: 'run_missing' })).statusCode).toBe(404);
    expect((await inject('POST', '/v1/predict', ownerA.key, { action: 'explode' })).statusCode).toBe(400);
    // beta: two requests, the second rate limited.
    expect((await inject('POST', '/v1/predict', opB.key, { action: 'status', run_id: 'run_x1' })).statusCode).toBe(404);
    expect((await inject('POST', '/v1/predict', opB.key, { action: 'status', run_id: 'run_x2' })).statusCode).toBe(429);
    // Refused credentials: none, a malformed key, an unknown key.
    expect((await inject('GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await inject('GET', '/api/v1/me', 'mk_nope')).statusCode).toBe(401);
    expect((await inject('GET', '/api/v1/me', `mk_${'1'.repeat(64)}`)).statusCode).toBe(401);
    // One webhook delivered for alpha.
    await t.app.get(PrismaService).$transaction((tx) => t.app.get(RunCompletionNotifier).enqueue(tx, alpha.id, { run_id: 'run_m' }, rx.url('/m')));
    await eventually(async () => (await t.prisma.webhookDelivery.findFirst({ where: { teamId: alpha.id, status: 'succeeded' } })) ?? undefined);

    const res = await inject('GET', '/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;

    expect(sample(text, 'mantis_predict_requests_total', { tenant_id: alpha.slug, action: 'status', code: '404' })).toBe(1);
    expect(sample(text, 'mantis_predict_requests_total', { tenant_id: alpha.slug, action: 'invalid', code: '400' })).toBe(1);
    expect(sample(text, 'mantis_predict_requests_total', { tenant_id: beta.slug, action: 'status', code: '404' })).toBe(1);
    expect(sample(text, 'mantis_predict_requests_total', { tenant_id: beta.slug, action: 'status', code: '429' })).toBe(1);
    expect(sample(text, 'mantis_rate_limited_total', { tenant_id: beta.slug })).toBe(1);
    expect(sample(text, 'mantis_rate_limited_total', { tenant_id: alpha.slug })).toBe(0);
    expect(sample(text, 'mantis_auth_failures_total', { reason: 'missing_token' })).toBe(1);
    expect(sample(text, 'mantis_auth_failures_total', { reason: 'invalid_token' })).toBe(2);
    expect(sample(text, 'mantis_webhook_deliveries_total', { tenant_id: alpha.slug, outcome: 'succeeded' })).toBe(1);
    expect(sample(text, 'mantis_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/teams/:team/webhook-deliveries', status: '200' })).toBe(
      2,
    );
    expect(sample(text, 'mantis_http_request_duration_seconds_count', { method: 'POST', route: '/v1/predict', status: '404' })).toBe(2);
    expect(sample(text, 'mantis_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/me', status: '401' })).toBe(3);
    for (const name of [
      'mantis_runs_in_flight',
      'mantis_runs_total',
      'mantis_run_duration_seconds',
      'mantis_run_cost_usd_total',
      'mantis_concurrency_rejected_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);

    // No credential, email, raw path or URL in any label.
    for (const secret of [ownerA.key, opB.key, ownerA.key.slice(0, 12), ownerA.email, opB.email, '@', 'mk_', 'run_missing', rx.url('/m'), '127.0.0.1']) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(`route="/api/v1/teams/${alpha.slug}`);

    const file = join(mkdtempSync(join(tmpdir(), 'mantis-metrics-')), 'metrics.txt');
    writeFileSync(file, text);
    const check = execFileSync('sh', ['-c', `promtool check metrics < "${file}" 2>&1; echo "exit=$?"`], { encoding: 'utf8' });
    expect(check.trim()).toBe('exit=0');
  });

  it('labels unknown paths as "unmatched", never by their raw path', async () => {
    await t.app.inject({ method: 'GET', url: '/no/such/path/mk_secretish' });
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, 'mantis_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(text).not.toContain('/no/such/path');
  });
});

describe('GET /metrics with MANTIS_METRICS_AUTH=admin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_METRICS_AUTH: 'admin' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses anonymous (401), bad (401) and non-admin (403) callers and serves admins', async () => {
    const team = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const admin = await createUser(t.prisma, { admin: true });
    const anon = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect([anon.statusCode, anon.json().error.code]).toEqual([401, 'missing_token']);
    const bad = await t.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-mantis-token': `mk_${'2'.repeat(64)}` } });
    expect([bad.statusCode, bad.json().error.code]).toEqual([401, 'invalid_token']);
    const member = await t.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-mantis-token': owner.key } });
    expect([member.statusCode, member.json().error.code]).toEqual([403, 'insufficient_role']);
    const ok = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${admin.key}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('# TYPE mantis_http_request_duration_seconds histogram');
    expect(ok.body).not.toContain(admin.email);
  });
});
