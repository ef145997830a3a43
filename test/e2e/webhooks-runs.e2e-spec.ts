import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunDispatcher } from '../../src/modules/runs/run-dispatcher.js';
import { WebhookSender } from '../../src/modules/webhooks/webhook-sender.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';
import { TestExecutor } from '../support/test-executor.js';
import { eventually, verifyByHand, verifyWithLibrary, WebhookReceiver } from '../support/webhook-receiver.js';

const PLAN = { steps: [{ navigate: 'https://example.com/' }] };

describe('run.completed webhooks for runs started through /v1/predict', () => {
  let t: TestApp;
  let rx: WebhookReceiver;
  let exec: TestExecutor;
  let team: TeamFixture;
  let op: UserFixture;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;

  beforeAll(async () => {
    const secretsDir = mkdtempSync(join(tmpdir(), 'mantis-wh-runs-'));
    writeFileSync(join(secretsDir, 'runs_hook'), secret);
    rx = await WebhookReceiver.start();
    t = await buildTestApp({
      env: { MANTIS_SECRETS_DIR: secretsDir, MANTIS_WEBHOOK_ALLOW_PRIVATE: 'true', MANTIS_WORKER_POLL_MS: '50', MANTIS_SYNC_WAIT_SECONDS: '10' },
    });
    exec = new TestExecutor(0.4);
    t.app.get(RunDispatcher).start(exec, { pollMs: 50, leaseSeconds: 5, concurrency: 2 });
    t.app.get(WebhookSender).start();
    team = await createTeam(t.prisma, { maxConcurrentRuns: 20, webhookUrl: rx.url('/team-hook'), webhookSecretName: 'runs_hook' });
    op = await createUser(t.prisma, { team, role: 'operator' });
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  const predict = (payload: unknown) => t.app.inject({ method: 'POST', url: '/v1/predict', headers: { 'x-mantis-token': op.key }, payload: payload as object });
  const runObject = async (runId: string) => (await t.app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: { 'x-mantis-token': op.key } })).json();
  const webhookFor = (runId: string) => eventually(() => rx.requests.find((r) => JSON.parse(r.body).data?.run_id === runId), 20_000, `the webhook of ${runId}`);

  it('a succeeded run posts its run object to callback_url, signed with the team secret', async () => {
    exec.hold(false);
    const res = await predict({ plan: PLAN, callback_url: rx.url('/callback') });
    expect(res.statusCode, res.body).toBe(200);
    const runId = res.json().run_id;
    const got = await webhookFor(runId);
    expect(got.path).toBe('/callback');
    const body = JSON.parse(got.body);
    expect(body).toEqual({ type: 'run.completed', timestamp: expect.any(String), data: await runObject(runId) });
    expect(body.data).toMatchObject({ status: 'succeeded', cost_usd: 0.4, tenant_id: team.slug });
    expect(verifyWithLibrary(secret, got.headers, got.body)).toBe(true);
    expect(verifyByHand(secret, got.headers, got.body)).toBe(true);
    const delivery = await t.prisma.webhookDelivery.findFirstOrThrow({ where: { runId } });
    expect(got.headers['webhook-id']).toBe(delivery.id);
    expect(rx.requests.filter((r) => JSON.parse(r.body).data?.run_id === runId)).toHaveLength(1);
  });

  it('a failed run without callback_url goes to the team webhook_url with its error', async () => {
    exec.hold(true);
    const res = await predict({ plan: PLAN, detached: true });
    expect(res.statusCode).toBe(202);
    const runId = res.json().run_id;
    await eventually(() => exec.held().includes(runId));
    expect(rx.requests.some((r) => JSON.parse(r.body).data?.run_id === runId)).toBe(false);
    exec.release(runId, { status: 'failed', error: { code: 'assertion_failed', message: 'heading missing' }, costUsd: 0.1 });
    const got = await webhookFor(runId);
    expect(got.path).toBe('/team-hook');
    expect(JSON.parse(got.body).data).toMatchObject({ run_id: runId, status: 'failed', error: { code: 'assertion_failed', message: 'heading missing' } });
    expect(verifyWithLibrary(secret, got.headers, got.body)).toBe(true);
  });

  it('a cancelled run is announced too', async () => {
    exec.hold(true);
    const res = await predict({ plan: PLAN, detached: true, callback_url: rx.url('/cancelled') });
    const runId = res.json().run_id;
    await eventually(() => exec.held().includes(runId));
    const cancel = await t.app.inject({ method: 'POST', url: `/v1/runs/${runId}/cancel`, headers: { 'x-mantis-token': op.key } });
    expect(cancel.statusCode).toBe(202);
    const got = await webhookFor(runId);
    expect(got.path).toBe('/cancelled');
    expect(JSON.parse(got.body).data).toMatchObject({ run_id: runId, status: 'cancelled' });
    exec.hold(false);
  });
});
