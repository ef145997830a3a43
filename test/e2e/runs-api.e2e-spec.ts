import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

const PLAN = { steps: [{ navigate: 'https://example.com/' }, { extract: { name: 'title', selector: 'h1' } }] };

describe('runs API', () => {
  let t: TestApp;
  let team: TeamFixture;
  let operator: UserFixture;
  beforeAll(async () => {
    t = await buildTestApp({
      env: {
        MANTIS_SYNC_WAIT_SECONDS: '0',
        MANTIS_MAX_COST_USD: '10',
        MANTIS_MAX_RUNTIME_MINUTES: '30',
        MANTIS_MAX_STEPS_PER_PLAN: '5',
        MANTIS_MAX_LOOP_ITERATIONS: '8',
      },
    });
    team = await createTeam(t.prisma, { maxConcurrentRuns: 50 });
    operator = await createUser(t.prisma, { team, role: 'operator' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const predict = (key: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/v1/predict', headers: { 'x-mantis-token': key, ...headers }, payload: payload as object });
  const get = (key: string, url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { 'x-mantis-token': key, ...headers } });
  const runCount = (teamId: string) => t.prisma.run.count({ where: { teamId } });

  it('starts a detached run: 202 with the queued run object, readable by id', async () => {
    const res = await predict(operator.key, { plan: PLAN, detached: true, state_key: 'profile-1', max_cost: 3 });
    expect(res.statusCode, res.body).toBe(202);
    const run = res.json();
    expect(run).toEqual({
      run_id: expect.stringMatching(/^run_[0-9a-f]{32}$/),
      tenant_id: team.slug,
      status: 'queued',
      created_at: expect.any(String),
      started_at: null,
      finished_at: null,
      state_key: 'profile-1',
      limits: { max_cost: 3, max_time_minutes: 30, max_steps: 5, max_loop_iterations: 8 },
      cost_usd: 0,
      steps_completed: 0,
      workflow: null,
      source: 'predict',
      error: null,
    });
    const got = await get(operator.key, `/v1/runs/${run.run_id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(run);
    const viaPredict = await predict(operator.key, { action: 'status', run_id: run.run_id });
    expect(viaPredict.statusCode).toBe(200);
    expect(viaPredict.json()).toEqual(run);
  });

  // [requested, team caps, expected limits] with global caps cost 10, time 30, steps 5, loops 8.
  const CLAMPING: [Record<string, number>, Record<string, number | null>, [number, number, number, number]][] = [
    [{}, {}, [10, 30, 5, 8]],
    [{ max_cost: 100, max_time_minutes: 999, max_steps: 99, max_loop_iterations: 99 }, {}, [10, 30, 5, 8]],
    [{ max_cost: 2, max_time_minutes: 3, max_steps: 4, max_loop_iterations: 1 }, {}, [2, 3, 4, 1]],
    [{ max_cost: 9 }, { maxCostPerRun: 4, maxTimeMinutesPerRun: 10 }, [4, 10, 5, 8]],
    [{}, { maxStepsPerPlan: 3, maxLoopIterations: 2 }, [10, 30, 3, 2]],
  ];
  it.each(CLAMPING)('clamps %j under team caps %j to %j', async (requested, caps, [maxCost, maxTime, maxSteps, maxLoops]) => {
    const tm = await createTeam(t.prisma);
    await t.prisma.team.update({ where: { id: tm.id }, data: caps });
    const op = await createUser(t.prisma, { team: tm, role: 'operator' });
    const res = await predict(op.key, { plan: { steps: [{ click: '#a' }] }, detached: true, ...requested });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().limits).toEqual({ max_cost: maxCost, max_time_minutes: maxTime, max_steps: maxSteps, max_loop_iterations: maxLoops });
  });

  it('refuses a plan longer than max_steps with 400 and creates nothing', async () => {
    const tm = await createTeam(t.prisma);
    const op = await createUser(t.prisma, { team: tm, role: 'operator' });
    const steps = Array.from({ length: 4 }, () => ({ click: '#a' }));
    const res = await predict(op.key, { plan: { steps }, max_steps: 3, detached: true });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(res.json().error.details.fields[0].field).toBe('plan.steps');
    expect(await runCount(tm.id)).toBe(0);
  });

  it('refuses an invalid plan with the failing fields', async () => {
    const res = await predict(operator.key, { plan: { steps: [{ teleport: 'x' }, { fill: { selector: '#a' } }] }, detached: true });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['plan.steps.0', 'plan.steps.1.fill.value']));
    const both = await predict(operator.key, { plan: PLAN, micro: 'x' });
    expect(both.statusCode).toBe(400);
    const badKey = await predict(operator.key, { plan: PLAN, state_key: '../etc' });
    expect(badKey.statusCode).toBe(400);
    expect(badKey.json().error.details.fields[0].field).toBe('state_key');
  });

  it('refuses a plan URL outside allowed_domains with 403 domain_not_allowed naming it, and creates nothing', async () => {
    const tm = await createTeam(t.prisma, { allowedDomains: ['example.com', '*.example.org'] });
    const op = await createUser(t.prisma, { team: tm, role: 'operator' });
    const ok = await predict(op.key, { plan: { start_url: 'https://a.example.org/', steps: [{ navigate: 'https://EXAMPLE.com./x' }] }, detached: true });
    expect(ok.statusCode, ok.body).toBe(202);
    for (const url of ['https://example.org/', 'https://user@example.com/', 'file:///etc/passwd', 'https://evil-example.com/']) {
      const res = await predict(op.key, { plan: { steps: [{ navigate: 'https://example.com/' }, { navigate: url }] }, detached: true });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'domain_not_allowed', details: { url } });
    }
    const start = await predict(op.key, { plan: { start_url: 'http://169.254.169.254/', steps: [{ click: '#a' }] }, detached: true });
    expect(start.json().error.details.url).toBe('http://169.254.169.254/');
    expect(await runCount(tm.id)).toBe(1);
  });

  it('refuses a callback_url in a private or loopback range with 400 naming the field, and creates nothing', async () => {
    const tm = await createTeam(t.prisma);
    const op = await createUser(t.prisma, { team: tm, role: 'operator' });
    for (const url of ['http://127.0.0.1:9/hook', 'http://10.1.2.3/hook', 'http://169.254.169.254/latest', 'http://[::1]/hook']) {
      const res = await predict(op.key, { plan: PLAN, detached: true, callback_url: url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(res.json().error.details.fields[0]).toMatchObject({ field: 'callback_url' });
    }
    expect(await runCount(tm.id)).toBe(0);
  });

  it('lets a status-only key poll a run but not start one', async () => {
    const started = (await predict(operator.key, { plan: PLAN, detached: true })).json();
    const poller = await createUser(t.prisma, { team, role: 'operator', scopes: ['status'] });
    expect((await predict(poller.key, { action: 'status', run_id: started.run_id })).statusCode).toBe(200);
    const refused = await predict(poller.key, { plan: PLAN, detached: true });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('insufficient_scope');
    const viewer = await createUser(t.prisma, { team, role: 'viewer' });
    expect((await predict(viewer.key, { plan: PLAN, detached: true })).json().error.code).toBe('insufficient_role');
    expect((await predict(viewer.key, { action: 'cancel', run_id: started.run_id })).json().error.code).toBe('insufficient_role');
  });

  it('answers 409 for the result of a run that is not terminal, and gives its logs', async () => {
    const run = (await predict(operator.key, { plan: PLAN, detached: true })).json();
    const result = await get(operator.key, `/v1/runs/${run.run_id}/result`);
    expect(result.statusCode).toBe(409);
    expect(result.json().error.code).toBe('conflict');
    const logs = await get(operator.key, `/v1/runs/${run.run_id}/logs`);
    expect(logs.statusCode).toBe(200);
    expect(logs.json()).toEqual({ data: [{ seq: 1, type: 'run.queued', ts: expect.any(String), data: { source: 'predict' } }], next_cursor: '1' });
    expect((await get(operator.key, `/v1/runs/${run.run_id}/logs?after=1`)).json()).toEqual({ data: [], next_cursor: null });
  });

  it('cancels a queued run at once (202) and refuses to cancel it twice (409)', async () => {
    const run = (await predict(operator.key, { plan: PLAN, detached: true, max_cost: 2 })).json();
    const res = await t.app.inject({ method: 'POST', url: `/v1/runs/${run.run_id}/cancel`, headers: { 'x-mantis-token': operator.key } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ run_id: run.run_id, status: 'cancelled', error: { code: 'cancelled' }, finished_at: expect.any(String) });
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: run.run_id } });
    expect(row.reservedUsd).toBe(0);
    const again = await predict(operator.key, { action: 'cancel', run_id: run.run_id });
    expect(again.statusCode).toBe(409);
    const result = await predict(operator.key, { action: 'result', run_id: run.run_id });
    expect(result.json()).toEqual({
      run_id: run.run_id,
      status: 'cancelled',
      result: null,
      cost_usd: 0,
      error: { code: 'cancelled', message: expect.any(String) },
    });
  });

  it("answers 404 for another team's run on every route", async () => {
    const run = (await predict(operator.key, { plan: PLAN, detached: true })).json();
    const other = await createTeam(t.prisma);
    const outsider = await createUser(t.prisma, { team: other, role: 'team_owner' });
    for (const url of [`/v1/runs/${run.run_id}`, `/v1/runs/${run.run_id}/result`, `/v1/runs/${run.run_id}/logs`, `/api/v1/executions/${run.run_id}`]) {
      expect((await get(outsider.key, url)).statusCode, url).toBe(404);
    }
    for (const action of ['status', 'result', 'logs', 'cancel']) {
      expect((await predict(outsider.key, { action, run_id: run.run_id })).statusCode).toBe(404);
    }
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/cancel/${run.run_id}`, headers: { 'x-mantis-token': outsider.key } })).statusCode).toBe(404);
    expect((await get(outsider.key, '/v1/runs')).json().data).toEqual([]);
  });

  it('lists runs newest first with a status filter and a keyset cursor', async () => {
    const tm = await createTeam(t.prisma);
    const op = await createUser(t.prisma, { team: tm, role: 'operator' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await predict(op.key, { plan: PLAN, detached: true })).json().run_id);
    await predict(op.key, { action: 'cancel', run_id: ids[1] });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { run_id: string }[]; next_cursor: string | null } = (
        await get(op.key, `/v1/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((r) => r.run_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const cancelled = (await get(op.key, `/api/v1/teams/${tm.slug}/runs?status=cancelled`)).json();
    expect(cancelled.data.map((r: { run_id: string }) => r.run_id)).toEqual([ids[1]]);
    expect((await get(op.key, '/v1/runs?status=bogus')).statusCode).toBe(400);
    expect((await get(op.key, '/v1/runs?cursor=garbage')).statusCode).toBe(400);
  });

  it('runs a stored workflow through micro, plans/<name> and /api/v1/run/{workflow}', async () => {
    const tm = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team: tm, role: 'team_owner' });
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/workflows/login-flow',
      headers: { 'x-mantis-token': owner.key },
      payload: { plan: PLAN, description: 'log in' },
    });
    expect(put.statusCode).toBe(201);
    const viaMicro = await predict(owner.key, { micro: 'plans/login-flow', detached: true, inputs: { user: 'a' } });
    expect(viaMicro.statusCode, viaMicro.body).toBe(202);
    expect(viaMicro.json()).toMatchObject({ workflow: 'login-flow', source: 'predict' });
    const viaRun = await t.app.inject({
      method: 'POST',
      url: '/api/v1/run/login-flow',
      headers: { 'x-mantis-token': owner.key },
      payload: { inputs: { user: 'b' }, max_cost: 1 },
    });
    expect(viaRun.statusCode).toBe(202);
    expect(viaRun.json()).toMatchObject({ workflow: 'login-flow', source: 'workflow', limits: { max_cost: 1 } });
    const execs = await get(owner.key, '/api/v1/executions?workflow=login-flow');
    expect(execs.json().data).toHaveLength(2);
    const exec = await get(owner.key, `/api/v1/executions/${viaRun.json().run_id}`);
    expect(exec.json()).toMatchObject({ run_id: viaRun.json().run_id, step_outputs: [], result: null });
    expect((await predict(owner.key, { micro: 'nope', detached: true })).statusCode).toBe(404);
    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/cancel/${viaRun.json().run_id}`, headers: { 'x-mantis-token': owner.key } });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json().status).toBe('cancelled');
  });

  it('records audit events naming the run, and never writes a key to the logs', async () => {
    const run = (await predict(operator.key, { plan: PLAN, detached: true })).json();
    await predict(operator.key, { action: 'cancel', run_id: run.run_id });
    const events = await t.prisma.auditEvent.findMany({ where: { teamId: team.id, targetId: run.run_id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.action, e.outcome, (e.details as { action?: string }).action])).toEqual([
      ['run.create', 'success', 'run'],
      ['run.cancel', 'success', 'cancel'],
    ]);
    expect(t.logs.text()).not.toContain(operator.key);
    expect(t.logs.text()).not.toContain(operator.key.slice(3));
  });

  it('counts every predict call by action and status code', async () => {
    await predict(operator.key, { plan: PLAN, detached: true });
    await predict(operator.key, { action: 'result', run_id: 'run_nope' });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(new RegExp(`mantis_predict_requests_total\\{tenant_id="${team.slug}",action="run",code="202"\\} \\d+`));
    expect(metrics).toContain(`mantis_predict_requests_total{tenant_id="${team.slug}",action="result",code="404"} 1`);
  });
});
