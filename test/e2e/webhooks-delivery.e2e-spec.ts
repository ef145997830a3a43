import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsService } from '../../src/modules/metrics/metrics.service.js';
import { RunCompletionNotifier } from '../../src/modules/webhooks/run-completion.port.js';
import { WebhookSender } from '../../src/modules/webhooks/webhook-sender.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, type TeamFixture } from '../support/factories.js';
import { eventually, verifyByHand, verifyWithLibrary, WebhookReceiver } from '../support/webhook-receiver.js';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

describe('webhook delivery (sender loop against a receiver on 127.0.0.1)', () => {
  let t: TestApp;
  let rx: WebhookReceiver;
  let secretsDir: string;
  const secret = newSecret();

  beforeAll(async () => {
    secretsDir = mkdtempSync(join(tmpdir(), 'mantis-wh-secrets-'));
    writeFileSync(join(secretsDir, 'hook_secret'), `${secret}\n`);
    rx = await WebhookReceiver.start();
    t = await buildTestApp({
      roles: ['api', 'worker'],
      env: {
        MANTIS_SECRETS_DIR: secretsDir,
        MANTIS_WEBHOOK_ALLOW_PRIVATE: 'true',
        MANTIS_WEBHOOK_RETRY_SCHEDULE: '0,1,1',
        MANTIS_WEBHOOK_TIMEOUT_MS: '3000',
        MANTIS_WORKER_POLL_MS: '50',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  async function enqueue(team: TeamFixture, path: string, claimedUntil?: Date) {
    const runId = `run_${randomBytes(6).toString('hex')}`;
    const run = { run_id: runId, tenant_id: team.slug, status: 'succeeded', cost_usd: 0.25, error: null };
    await t.app.get(PrismaService).$transaction(async (tx) => {
      await t.app.get(RunCompletionNotifier).enqueue(tx, team.id, run, rx.url(path));
      // As a sender that claimed the row and died would leave it: attempt counted, lease held.
      if (claimedUntil) await tx.webhookDelivery.updateMany({ where: { runId }, data: { attempts: 1, leaseExpiresAt: claimedUntil } });
    });
    const row = await t.prisma.webhookDelivery.findFirstOrThrow({ where: { teamId: team.id, runId } });
    return { id: row.id, run };
  }

  const settled = (id: string) =>
    eventually(
      async () => {
        const row = await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
        return row.status !== 'pending' && row;
      },
      20_000,
      `delivery ${id} to settle`,
    );

  async function counter(tenant: string, outcome: string): Promise<number> {
    const m = await t.app.get(MetricsService).webhookDeliveries.get();
    return m.values.find((v) => v.labels.tenant_id === tenant && v.labels.outcome === outcome)?.value ?? 0;
  }

  it('delivers a signed run.completed body that the reference verifier and a hand check accept; a tampered body fails both', async () => {
    const team = await createTeam(t.prisma, { webhookSecretName: 'hook_secret' });
    const { id, run } = await enqueue(team, '/signed');
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    const [got] = rx.to('/signed');
    expect(got.headers['webhook-id']).toBe(id);
    expect(got.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(got.headers['content-type']).toBe('application/json');
    const body = JSON.parse(got.body);
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data']);
    expect(body).toEqual({ type: 'run.completed', timestamp: expect.any(String), data: run });
    expect(verifyWithLibrary(secret, got.headers, got.body)).toBe(true);
    expect(verifyByHand(secret, got.headers, got.body)).toBe(true);
    const tampered = got.body.replace('"succeeded"', '"failed"');
    expect(tampered).not.toBe(got.body);
    expect(verifyWithLibrary(secret, got.headers, tampered)).toBe(false);
    expect(verifyByHand(secret, got.headers, tampered)).toBe(false);
    expect(verifyWithLibrary(newSecret(), got.headers, got.body)).toBe(false);
    expect(await counter(team.slug, 'succeeded')).toBe(1);
    expect(t.logs.text()).not.toContain(secret.slice(6));
  });

  it('retries 500, 500 then 200: three attempts with the same webhook-id, one success', async () => {
    const team = await createTeam(t.prisma, { webhookSecretName: 'hook_secret' });
    rx.answer(({ path, count }) => (path === '/flaky' && count < 2 ? { status: 500 } : { status: 200 }));
    const { id } = await enqueue(team, '/flaky');
    const row = await settled(id);
    rx.answer([{ status: 200 }]);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
    const got = rx.to('/flaky');
    expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    expect(got.every((r) => verifyWithLibrary(secret, r.headers, r.body))).toBe(true);
    expect(await counter(team.slug, 'retrying')).toBe(2);
    expect(await counter(team.slug, 'succeeded')).toBe(1);
  });

  it('does not retry a 400: one attempt, status failed', async () => {
    const team = await createTeam(t.prisma);
    rx.answer(({ path }) => (path === '/bad' ? { status: 400 } : { status: 200 }));
    const { id } = await enqueue(team, '/bad');
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 400 });
    // Even once a retry would have been due, a pass of the sender does not send it again.
    await t.prisma.webhookDelivery.update({ where: { id }, data: { nextAttemptAt: new Date() } });
    await t.app.get(WebhookSender).tick();
    expect(rx.to('/bad')).toHaveLength(1);
    expect((await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } })).attempts).toBe(1);
    expect(await counter(team.slug, 'failed')).toBe(1);
    rx.answer([{ status: 200 }]);
  });

  it('does not follow a redirect', async () => {
    const team = await createTeam(t.prisma);
    rx.answer(({ path }) => (path === '/moved' ? { status: 302, headers: { location: rx.url('/elsewhere') } } : { status: 200 }));
    const { id } = await enqueue(team, '/moved');
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 302 });
    expect(row.lastError).toMatch(/redirect/);
    expect(rx.to('/elsewhere')).toHaveLength(0);
    rx.answer([{ status: 200 }]);
  });

  it('sends unsigned when the team has no webhook secret configured', async () => {
    const team = await createTeam(t.prisma);
    const { id } = await enqueue(team, '/unsigned');
    await settled(id);
    const [got] = rx.to('/unsigned');
    expect(got.headers['webhook-id']).toBe(id);
    expect(got.headers['webhook-timestamp']).toBeDefined();
    expect(got.headers['webhook-signature']).toBeUndefined();
  });

  it('never sends unsigned when the configured secret is missing: retried, then failed, nothing received', async () => {
    const team = await createTeam(t.prisma, { webhookSecretName: 'absent_secret' });
    const { id } = await enqueue(team, '/nosecret');
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: null });
    expect(row.lastError).toMatch(/webhook secret absent_secret not found; retries exhausted/);
    expect(rx.to('/nosecret')).toHaveLength(0);
  });

  it('during a rotation signs with both secrets, current first, each verifiable on its own', async () => {
    const current = newSecret();
    const previous = newSecret();
    writeFileSync(join(secretsDir, 'rotating'), current);
    writeFileSync(join(secretsDir, 'rotating_previous'), previous);
    const team = await createTeam(t.prisma, { webhookSecretName: 'rotating' });
    const { id } = await enqueue(team, '/rotating');
    await settled(id);
    const [got] = rx.to('/rotating');
    const sigs = String(got.headers['webhook-signature']).split(' ');
    expect(sigs).toHaveLength(2);
    expect(verifyWithLibrary(current, got.headers, got.body)).toBe(true);
    expect(verifyWithLibrary(previous, got.headers, got.body)).toBe(true);
    expect(verifyByHand(current, { ...got.headers, 'webhook-signature': sigs[0] }, got.body)).toBe(true);
    expect(verifyByHand(previous, { ...got.headers, 'webhook-signature': sigs[1] }, got.body)).toBe(true);
  });

  it('retries a timeout and a 429 honouring Retry-After, and marks the delivery failed once the schedule is exhausted', async () => {
    const team = await createTeam(t.prisma);
    rx.answer(({ path, count }) => {
      if (path !== '/slow') return { status: 200 };
      if (count === 0) return { status: 200, hang: true };
      return { status: 429, headers: { 'retry-after': '2' } };
    });
    const { id } = await enqueue(team, '/slow');
    const afterTimeout = await eventually(async () => {
      const r = await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      return r.attempts === 1 && r.leaseExpiresAt === null && r;
    });
    expect(afterTimeout.status).toBe('pending');
    expect(afterTimeout.lastError).toMatch(/timed out|network error/);
    const after429 = await eventually(async () => {
      const r = await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
      return r.attempts === 2 && r.leaseExpiresAt === null && r;
    });
    expect(after429).toMatchObject({ status: 'pending', lastStatusCode: 429 });
    // Retry-After 2 s outweighs the 1 s (±20 %) schedule step.
    expect(after429.nextAttemptAt.getTime() - after429.lastAttemptAt!.getTime()).toBeGreaterThanOrEqual(1900);
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 429 });
    expect(row.lastError).toMatch(/exhausted/);
    expect(rx.to('/slow')).toHaveLength(3);
    rx.answer([{ status: 200 }]);
  });

  it('a delivery whose sender crashed mid-attempt is sent again once its lease lapses', async () => {
    const team = await createTeam(t.prisma);
    const until = new Date(Date.now() + 1500);
    const { id } = await enqueue(team, '/lease', until);
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(rx.to('/lease')).toHaveLength(1);
    // Not before the dead sender's lease lapsed (clocks of this process and PostgreSQL agree here to well under 200 ms).
    expect(rx.to('/lease')[0].at).toBeGreaterThanOrEqual(until.getTime() - 200);
  });
});
