import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunDispatcher } from '../../src/modules/runs/run-dispatcher.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';
import { TestExecutor } from '../support/test-executor.js';

const PLAN = { steps: [{ navigate: 'https://example.com/' }, { extract: { name: 'title', selector: 'h1' } }] };
/** Bounds for waiting on what the dispatcher does next (its poll interval here is 50 ms). */
const soon = { interval: 50, timeout: 10_000 };

describe('dispatch and execution of runs', () => {
  let t: TestApp;
  let exec: TestExecutor;
  let team: TeamFixture;
  let op: UserFixture;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_SYNC_WAIT_SECONDS: '10' }, listen: true });
    exec = new TestExecutor(0.75);
    t.app.get(RunDispatcher).start(exec, { pollMs: 50, leaseSeconds: 3, concurrency: 4 });
    team = await createTeam(t.prisma, { maxConcurrentRuns: 50, allowedDomains: ['example.com'] });
    op = await createUser(t.prisma, { team, role: 'operator' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const predict = (payload: unknown, key = op.key) =>
    t.app.inject({ method: 'POST', url: '/v1/predict', headers: { 'x-mantis-token': key }, payload: payload as object });
  const status = async (runId: string) => (await t.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status;

  it('waits for the run and answers 200 with its result; reservation settles to the real cost', async () => {
    exec.hold(false).use(undefined);
    const res = await predict({ plan: PLAN, inputs: { q: 1 }, state_key: 'p1', max_cost: 5 });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      status: 'succeeded',
      cost_usd: 0.75,
      steps_completed: 2,
      started_at: expect.any(String),
      finished_at: expect.any(String),
      error: null,
      result: { extracted: { run: body.run_id }, agent: null, screenshots: [], final_url: null },
    });
    const received = exec.received.find((r) => r.run.id === body.run_id)!.run;
    expect(received).toMatchObject({
      teamId: team.id,
      teamSlug: team.slug,
      plan: PLAN,
      inputs: { q: 1 },
      stateKey: 'p1',
      limits: { maxCost: 5, maxTimeMinutes: 60, maxSteps: 100, maxLoopIterations: 50 },
      team: { allowedDomains: ['example.com'], anthropicSecretName: 'anthropic_api_key' },
      attempt: 1,
    });
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: body.run_id } });
    expect(row).toMatchObject({ reservedUsd: 0, costUsd: 0.75, leaseOwner: null });
    const logs = await t.app.inject({ method: 'GET', url: `/v1/runs/${body.run_id}/logs`, headers: { 'x-mantis-token': op.key } });
    expect(logs.json().data.map((e: { type: string }) => e.type)).toEqual(['run.queued', 'run.started', 'step.started', 'run.succeeded']);
    const result = await t.app.inject({ method: 'GET', url: `/v1/runs/${body.run_id}/result`, headers: { 'x-mantis-token': op.key } });
    expect(result.json()).toEqual({ run_id: body.run_id, status: 'succeeded', result: body.result, cost_usd: 0.75, error: null });
  });

  it('answers 202 when the run is still going after MANTIS_SYNC_WAIT_SECONDS (here a detached run)', async () => {
    exec.hold(true);
    const res = await predict({ plan: PLAN, detached: true });
    expect(res.statusCode).toBe(202);
    const runId = res.json().run_id;
    await exec.started(runId);
    expect(await status(runId)).toBe('running');
    exec.release(runId, { status: 'failed', error: { code: 'assertion_failed', message: 'no' }, costUsd: 0.2 });
    await expect.poll(() => status(runId), soon).toBe('failed');
    const got = (await t.app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: { 'x-mantis-token': op.key } })).json();
    expect(got).toMatchObject({ status: 'failed', error: { code: 'assertion_failed', message: 'no' }, cost_usd: 0.2 });
    exec.hold(false);
  });

  it('carries a cancel to a running run through its signal, within a second or so', async () => {
    exec.hold(true);
    const runId = (await predict({ plan: PLAN, detached: true })).json().run_id;
    await exec.started(runId);
    const res = await t.app.inject({ method: 'POST', url: `/v1/runs/${runId}/cancel`, headers: { 'x-mantis-token': op.key } });
    expect(res.statusCode).toBe(202);
    expect(res.json().run_id).toBe(runId);
    expect(['running', 'cancelled']).toContain(res.json().status);
    await expect.poll(() => status(runId), soon).toBe('cancelled');
    expect(exec.received.find((r) => r.run.id === runId)!.signalReason).toBe('cancelled');
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(row).toMatchObject({ reservedUsd: 0, error: { code: 'cancelled' } });
    exec.hold(false);
  });

  it('ends a run past max_time_minutes as timed_out (the clock counts from its first start)', async () => {
    exec.hold(true);
    // A retried run: it first started 59.5 s ago and is queued again for its second attempt.
    const retried = `run_${'c'.repeat(32)}`;
    await t.prisma.run.create({
      data: {
        id: retried,
        teamId: team.id,
        plan: PLAN,
        maxCost: 1,
        maxTimeMinutes: 1,
        maxSteps: 10,
        maxLoopIterations: 5,
        reservedUsd: 1,
        attempts: 1,
        startedAt: new Date(Date.now() - 59_500),
      },
    });
    await exec.started(retried);
    await expect.poll(() => status(retried), soon).toBe('timed_out');
    exec.hold(false);
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: retried } });
    expect(row).toMatchObject({ attempts: 2, reservedUsd: 0, error: { code: 'timed_out', message: expect.stringContaining('max_time_minutes') } });
    expect(exec.received.find((r) => r.run.id === retried)!.signalReason).toBe('timed_out');
  });

  it('streams events over SSE until the run is terminal', async () => {
    exec.hold(true);
    const runId = (await predict({ plan: PLAN, detached: true })).json().run_id;
    await exec.started(runId);
    const url = new URL(`${t.url}/v1/runs/${runId}/logs`);
    const chunks: string[] = [];
    const ended = new Promise<{ status: number; type: string }>((resolve, reject) => {
      const req = httpRequest(url, { headers: { 'x-mantis-token': op.key, accept: 'text/event-stream' } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) }));
      });
      req.on('error', reject);
      req.end();
    });
    await expect.poll(() => chunks.join(''), soon).toContain('event: step.started');
    exec.release(runId);
    const { status: code, type } = await ended;
    expect(code).toBe(200);
    expect(type).toMatch(/^text\/event-stream/);
    const text = chunks.join('');
    const events = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events).toEqual(['run.queued', 'run.started', 'step.started', 'run.succeeded']);
    expect(text).toMatch(/^id: 4$/m);
    exec.hold(false);
  });

  it('writes the completion webhook delivery in the terminal transaction', async () => {
    const res = await predict({ plan: PLAN, callback_url: 'https://hooks.example.com/done' });
    expect(res.statusCode).toBe(200);
    const delivery = await t.prisma.webhookDelivery.findFirst({ where: { runId: res.json().run_id } });
    expect(delivery).toMatchObject({ url: 'https://hooks.example.com/done', eventType: 'run.completed' });
    expect((delivery!.payload as { data: { run_id: string; status: string } }).data).toMatchObject({ run_id: res.json().run_id, status: 'succeeded' });
  });

  it('fails a run whose executor throws, without inventing a result', async () => {
    exec.use(async () => {
      throw new Error('browser crashed');
    });
    const res = await predict({ plan: PLAN });
    exec.use(undefined);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'failed', error: { code: 'executor_error' }, result: null });
  });

  it('records run metrics', async () => {
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(new RegExp(`mantis_runs_total\\{tenant_id="${team.slug}",status="succeeded"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`mantis_run_cost_usd_total\\{tenant_id="${team.slug}"\\} [0-9.]+`));
    expect(metrics).toMatch(new RegExp(`mantis_run_duration_seconds_count\\{tenant_id="${team.slug}",status="succeeded"\\} [1-9]`));
  });
  it('keeps every event in the order recorded, shows progress while the run goes on, and commits what was left queued with the outcome', async () => {
    let resume!: () => void;
    const paused = new Promise<void>((r) => (resume = r));
    exec.hold(false).use(async (run, ctx) => {
      // Fired without waiting, as browser callbacks do: one burst, then progress.
      for (let i = 0; i < 25; i++) void ctx.emit({ type: 'step.finished', data: { index: i } });
      void ctx.progress({ stepsCompleted: 2, costUsd: 0.25 });
      await paused;
      void ctx.emit({ type: 'run.finished', data: { status: 'succeeded' } });
      // Returns with its last event still queued: the dispatcher writes it.
      return { status: 'succeeded', costUsd: 0.3, stepsCompleted: 2, result: { extracted: {}, agent: null, screenshots: [], final_url: null } };
    });
    const res = await predict({ plan: PLAN, detached: true });
    const runId = res.json().run_id;
    await expect.poll(async () => (await t.prisma.run.findUniqueOrThrow({ where: { id: runId } })).stepsCompleted, soon).toBe(2);
    expect(await status(runId)).toBe('running');
    resume();
    await expect.poll(() => status(runId), soon).toBe('succeeded');
    const events = await t.prisma.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => (e.type === 'step.finished' ? `${e.type}:${(e.data as { index: number }).index}` : e.type))).toEqual([
      'run.queued',
      'run.started',
      'step.started',
      ...Array.from({ length: 25 }, (_, i) => `step.finished:${i}`),
      'run.finished',
      'run.succeeded',
    ]);
    const times = events.map((e) => e.ts.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    exec.use(undefined);
  });
});
