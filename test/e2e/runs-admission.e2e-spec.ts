import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { RunDispatcher } from '../../src/modules/runs/run-dispatcher.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser } from '../support/factories.js';
import { TestExecutor } from '../support/test-executor.js';

const PLAN = { steps: [{ click: '#go' }] };

describe('admission: concurrency caps and monthly budgets, exact under parallel submits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_SYNC_WAIT_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const submit = (key: string, body: Record<string, unknown> = {}) =>
    t.app.inject({ method: 'POST', url: '/v1/predict', headers: { 'x-mantis-token': key }, payload: { plan: PLAN, detached: true, ...body } });

  it('admits exactly one of 10 parallel submits when one slot is free', async () => {
    const team = await createTeam(t.prisma, { maxConcurrentRuns: 3 });
    const op = await createUser(t.prisma, { team, role: 'operator' });
    expect((await submit(op.key)).statusCode).toBe(202);
    expect((await submit(op.key)).statusCode).toBe(202);
    const responses = await Promise.all(Array.from({ length: 10 }, () => submit(op.key)));
    const codes = responses.map((r) => r.statusCode).sort();
    expect(codes).toEqual([202, ...Array(9).fill(429)]);
    for (const r of responses.filter((x) => x.statusCode === 429)) expect(r.json().error.code).toBe('concurrency_limit');
    expect(await t.prisma.run.count({ where: { teamId: team.id } })).toBe(3);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`mantis_concurrency_rejected_total{tenant_id="${team.slug}"} 9`);
  });

  it('gives a team its counters at 0 as soon as it submits, so a run that cost nothing reads 0, not "no data"', async () => {
    const team = await createTeam(t.prisma, { maxConcurrentRuns: 3 });
    const op = await createUser(t.prisma, { team, role: 'operator' });
    const before = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(before).not.toContain(`tenant_id="${team.slug}"`);
    expect((await submit(op.key)).statusCode).toBe(202);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`mantis_run_cost_usd_total{tenant_id="${team.slug}"} 0`);
    expect(metrics).toContain(`mantis_runs_total{tenant_id="${team.slug}",status="succeeded"} 0`);
    expect(metrics).toContain(`mantis_rate_limited_total{tenant_id="${team.slug}"} 0`);
  });

  it('commits a detached submit with its event, idempotency record and audit event together, and a refused one with none of them', async () => {
    const team = await createTeam(t.prisma, { maxConcurrentRuns: 1 });
    const op = await createUser(t.prisma, { team, role: 'operator' });
    const send = (key: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/predict',
        headers: { 'x-mantis-token': op.key, 'idempotency-key': key },
        payload: { plan: PLAN, detached: true },
      });
    const first = await send('first');
    expect(first.statusCode).toBe(202);
    const runId = first.json().run_id as string;
    expect(await t.prisma.runEvent.findMany({ where: { runId }, select: { seq: true, type: true } })).toEqual([{ seq: 1, type: 'run.queued' }]);
    const record = await t.prisma.idempotencyRecord.findFirst({ where: { teamId: team.id, key: 'first' } });
    expect(record).toMatchObject({ state: 'completed', responseStatus: 202, responseBody: first.json() });
    const created = await t.prisma.auditEvent.findMany({ where: { teamId: team.id, action: 'run.create' } });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ outcome: 'success', status: 202, targetType: 'run', targetId: runId, actorId: op.id });

    const refused = await send('second');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'concurrency_limit', details: { max_concurrent_runs: 1 } });
    expect(await t.prisma.run.count({ where: { teamId: team.id } })).toBe(1);
    expect(await t.prisma.idempotencyRecord.count({ where: { teamId: team.id, key: 'second' } })).toBe(0);
    const events = await t.prisma.auditEvent.findMany({ where: { teamId: team.id, action: 'run.create' }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.outcome)).toEqual(['success', 'denied']);
    expect(events[1]).toMatchObject({ status: 429 });
    // The event hashed in PostgreSQL links and verifies like any other.
    expect(await t.app.get(AuditService).verify(team.id)).toMatchObject({ ok: true, checked: 2, first_broken: null });
  });

  it('frees a slot when a run ends', async () => {
    const team = await createTeam(t.prisma, { maxConcurrentRuns: 1 });
    const op = await createUser(t.prisma, { team, role: 'operator' });
    const first = (await submit(op.key)).json();
    expect((await submit(op.key)).statusCode).toBe(429);
    await t.app.inject({ method: 'POST', url: `/v1/runs/${first.run_id}/cancel`, headers: { 'x-mantis-token': op.key } });
    expect((await submit(op.key)).statusCode).toBe(202);
  });

  it('never reserves past the monthly budget under parallel submits', async () => {
    const team = await createTeam(t.prisma, { maxConcurrentRuns: 100, monthlyBudgetUsd: 10 });
    const op = await createUser(t.prisma, { team, role: 'operator' });
    const responses = await Promise.all(Array.from({ length: 10 }, () => submit(op.key, { max_cost: 3 })));
    const admitted = responses.filter((r) => r.statusCode === 202).length;
    expect(admitted).toBe(3);
    for (const r of responses.filter((x) => x.statusCode !== 202)) {
      expect(r.statusCode).toBe(429);
      expect(r.json().error.code).toBe('budget_exceeded');
    }
    const sum = await t.prisma.run.aggregate({ where: { teamId: team.id }, _sum: { reservedUsd: true } });
    expect(sum._sum.reservedUsd).toBe(9);
    // 1 USD left: a 1 USD run fits, a 1.5 USD one does not.
    expect((await submit(op.key, { max_cost: 1.5 })).statusCode).toBe(429);
    expect((await submit(op.key, { max_cost: 1 })).statusCode).toBe(202);
  });

  it('counts runs finished earlier this month as spent, and older ones not at all', async () => {
    const team = await createTeam(t.prisma, { maxConcurrentRuns: 100, monthlyBudgetUsd: 5 });
    const op = await createUser(t.prisma, { team, role: 'operator' });
    const base = { teamId: team.id, plan: PLAN, maxCost: 4, maxTimeMinutes: 1, maxSteps: 1, maxLoopIterations: 1, status: 'succeeded', costUsd: 4 };
    const lastYear = new Date(Date.UTC(new Date().getUTCFullYear() - 1, 0, 15));
    await t.prisma.run.create({ data: { ...base, id: `run_${'a'.repeat(32)}${team.slug}`, finishedAt: lastYear, createdAt: lastYear } });
    expect((await submit(op.key, { max_cost: 4 })).statusCode).toBe(202);
    await t.prisma.run.create({ data: { ...base, costUsd: 0.5, id: `run_${'b'.repeat(32)}${team.slug}`, finishedAt: new Date() } });
    const refused = await submit(op.key, { max_cost: 1 });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'budget_exceeded', details: { budget_usd: 5, spent_usd: 0.5, reserved_usd: 4 } });
  });

  it('settles the reservation to the real cost at the end, freeing the unused part', async () => {
    const team = await createTeam(t.prisma, { maxConcurrentRuns: 100, monthlyBudgetUsd: 10 });
    const op = await createUser(t.prisma, { team, role: 'operator' });
    // Earlier tests left queued runs in other teams: out of this worker's way.
    await t.prisma.run.updateMany({ where: { status: 'queued', teamId: { not: team.id } }, data: { status: 'cancelled' } });
    const exec = new TestExecutor(1).hold(true);
    const dispatcher = t.app.get(RunDispatcher);
    dispatcher.start(exec, { pollMs: 50, leaseSeconds: 5 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await submit(op.key, { max_cost: 3 })).json().run_id);
      expect((await submit(op.key, { max_cost: 3 })).statusCode).toBe(429);
      await exec.started(ids[0]);
      exec.release(ids[0], { costUsd: 1 });
      await expect
        .poll(async () => (await t.prisma.run.findUniqueOrThrow({ where: { id: ids[0] } })).status, { interval: 50, timeout: 5_000 })
        .toBe('succeeded');
      // Spent 1 + reserved 6 + 3 = 10: fits exactly.
      expect((await submit(op.key, { max_cost: 3 })).statusCode).toBe(202);
      expect((await submit(op.key, { max_cost: 0.5 })).statusCode).toBe(429);
    } finally {
      await dispatcher.stop();
    }
  });
});
