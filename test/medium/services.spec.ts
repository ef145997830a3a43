import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyLookup, principalOfKey } from '../../src/modules/api-keys/api-key-lookup.service.js';
import { ApiKeysService } from '../../src/modules/api-keys/api-keys.service.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { planSchema } from '../../src/modules/workflows/plan.schema.js';
import { RunDispatcher } from '../../src/modules/runs/run-dispatcher.js';
import { runOptionsSchema } from '../../src/modules/runs/runs.schemas.js';
import { RunsService } from '../../src/modules/runs/runs.service.js';
import { WebhookSender } from '../../src/modules/webhooks/webhook-sender.js';
import type { Principal, TeamContext } from '../../src/platform/auth/principal.js';
import { ApiError } from '../../src/platform/http/api-error.js';
import { parseWith } from '../../src/platform/http/zod-pipe.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';
import { bootMedium, type MediumApp } from '../support/medium.js';
import { TestExecutor } from '../support/test-executor.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Services on a real database, without HTTP: what a caller of each service
 * notices (admission answers, which keys authenticate, what the audit verifier
 * reports, what a receiver gets), with the dispatcher and the webhook sender
 * stepped by their `tick()`.
 */
describe('services on a real database (no HTTP)', () => {
  let m: MediumApp;
  let rx: WebhookReceiver;
  const exec = new TestExecutor(0.25);
  // One retry a second after the first attempt: the schedule the webhook checks below read back.
  const RETRY_AFTER_SECONDS = 1;

  beforeAll(async () => {
    rx = await WebhookReceiver.start();
    m = await bootMedium({ env: { MANTIS_WEBHOOK_ALLOW_PRIVATE: 'true', MANTIS_WEBHOOK_RETRY_SCHEDULE: `0,${RETRY_AFTER_SECONDS}` } });
    m.get(RunDispatcher).start(exec, { manual: true, concurrency: 10, leaseSeconds: 30 });
  });
  afterAll(async () => {
    await m?.close();
    await rx?.close();
  });

  /** The principal and team context a request with this user's key would get. */
  async function caller(team: TeamFixture, role: 'operator' | 'auditor' = 'operator'): Promise<{ p: Principal; ctx: TeamContext; key: string }> {
    const u = await createUser(m.prisma, { team, role });
    const found = await m.get(ApiKeyLookup).find(u.key);
    return { p: principalOfKey(found!.key), ctx: { ...team, role }, key: u.key };
  }

  const submit = (p: Principal, ctx: TeamContext, options: Record<string, unknown> = {}) =>
    m
      .get(RunsService)
      .submit(p, ctx, { source: 'predict', plan: parseWith(planSchema, { steps: [{ click: '#go' }] }), options: parseWith(runOptionsSchema, options) });

  const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as ApiError).code : 'admitted');

  describe('run admission', () => {
    it('admits exactly max_concurrent_runs of parallel submits; the rest get concurrency_limit until a run finishes', async () => {
      const team = await createTeam(m.prisma, { maxConcurrentRuns: 3 });
      const { p, ctx } = await caller(team);
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => submit(p, ctx, { max_cost: 0.5 })));
      expect(results.map(codeOf).sort()).toEqual([...Array(3).fill('admitted'), ...Array(5).fill('concurrency_limit')].sort());
      await expect(submit(p, ctx)).rejects.toMatchObject({ code: 'concurrency_limit', status: 429 });

      // One pass of the worker runs the three to the end; their slots are free again.
      const admitted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.run_id] : []));
      expect((await m.get(RunDispatcher).tick()).sort()).toEqual([...admitted].sort());
      for (const id of admitted) expect(await m.get(RunsService).get(ctx, id)).toMatchObject({ status: 'succeeded', cost_usd: 0.25 });
      expect((await submit(p, ctx)).status).toBe('queued');
    });

    it('refuses a run whose reservation would pass the monthly budget, counting what finished runs spent', async () => {
      const team = await createTeam(m.prisma, { monthlyBudgetUsd: 1 });
      const { p, ctx } = await caller(team);
      const first = await submit(p, ctx, { max_cost: 0.75 });
      await expect(submit(p, ctx, { max_cost: 0.5 })).rejects.toMatchObject({ code: 'budget_exceeded' });
      // It costs 0.25 of its 0.75: the unused reservation comes back.
      expect(await m.get(RunDispatcher).tick()).toContain(first.run_id);
      expect((await submit(p, ctx, { max_cost: 0.75 })).status).toBe('queued');
      await expect(submit(p, ctx, { max_cost: 0.25 })).rejects.toMatchObject({ code: 'budget_exceeded' });
    });
  });

  describe('API keys', () => {
    it('a created key authenticates, is stored only as a hash, and stops at once when revoked', async () => {
      const team = await createTeam(m.prisma);
      const { p } = await caller(team);
      const keys = m.get(ApiKeysService);
      const created = await keys.create({ userId: p.userId }, { name: 'ci', scopes: ['status'] });
      expect(created.key.startsWith(created.prefix)).toBe(true);
      expect(principalOfKey((await m.get(ApiKeyLookup).find(created.key))!.key)).toMatchObject({ userId: p.userId, scopes: ['status'] });
      const stored = await m.prisma.apiKey.findFirstOrThrow({ where: { userId: p.userId, name: 'ci' } });
      expect(JSON.stringify(stored)).not.toContain(created.key);
      await expect(keys.create({ userId: p.userId }, { name: 'ci' })).rejects.toMatchObject({ code: 'conflict' });

      expect(await keys.revoke(p.userId, 'ci')).toMatchObject({ name: 'ci', revoked_at: expect.any(String) });
      expect(await m.get(ApiKeyLookup).find(created.key)).toBeNull();
      expect((await keys.list(p.userId)).find((k) => k.name === 'ci')?.revoked_at).not.toBeNull();
    });
  });

  describe('audit chain', () => {
    it('verifies a team chain, and names the first event rewritten behind its back', async () => {
      const team = await createTeam(m.prisma);
      const audit = m.get(AuditService);
      const rows = [];
      for (const action of ['secret.create', 'secret.update', 'secret.delete']) {
        rows.push(await audit.record({ team, actor: { type: 'system' }, action, outcome: 'success', details: { name: 'db_password' } }));
      }
      expect(await audit.verify(team.id)).toMatchObject({ ok: true, checked: 3, first_broken: null });

      const su = new pg.Client({ connectionString: m.databaseUrl });
      await su.connect();
      try {
        await su.query('BEGIN');
        await su.query('SET LOCAL session_replication_role = replica');
        await su.query(`UPDATE audit_events SET action = 'secret.read' WHERE id = $1`, [rows[1].id]);
        await su.query('COMMIT');
      } finally {
        await su.end();
      }
      expect(await audit.verify(team.id)).toMatchObject({ ok: false, first_broken: { id: rows[1].id, reason: 'hash_mismatch' } });
    });
  });

  describe('webhook outbox', () => {
    it('a finished run leaves its delivery in the outbox; a 500 schedules the retry; the retry delivers the same message', async () => {
      const team = await createTeam(m.prisma, { webhookUrl: rx.url('/outbox') });
      const { p, ctx } = await caller(team);
      const run = await submit(p, ctx);
      expect(await m.prisma.webhookDelivery.count({ where: { teamId: team.id } })).toBe(0);
      await m.get(RunDispatcher).tick();
      const queued = await m.prisma.webhookDelivery.findFirstOrThrow({ where: { teamId: team.id, runId: run.run_id } });
      expect(queued).toMatchObject({ status: 'pending', attempts: 0, payload: { type: 'run.completed', data: { run_id: run.run_id, status: 'succeeded' } } });
      expect(rx.to('/outbox')).toHaveLength(0);

      const sender = m.get(WebhookSender);
      rx.answer([{ status: 500 }, { status: 200 }]);
      const before = Date.now();
      await sender.tick();
      const failed = await m.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: queued.id } });
      expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
      // The schedule's second entry, within its ±20 % jitter.
      const wait = failed.nextAttemptAt.getTime() - before;
      expect(wait).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 800 - 50);
      expect(wait).toBeLessThanOrEqual(RETRY_AFTER_SECONDS * 1200 + 1000);
      // Not due yet: a pass sends nothing.
      expect(await sender.tick()).toBe(0);

      await m.prisma.webhookDelivery.update({ where: { id: queued.id }, data: { nextAttemptAt: new Date() } });
      expect(await sender.tick()).toBe(1);
      expect(await m.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        lastStatusCode: 200,
      });
      const got = rx.to('/outbox');
      expect(got.map((r) => r.status)).toEqual([500, 200]);
      expect(got.map((r) => r.headers['webhook-id'])).toEqual([queued.id, queued.id]);
      expect(JSON.parse(got[1].body)).toMatchObject({ type: 'run.completed', data: { run_id: run.run_id, status: 'succeeded' } });
    });
  });
});
