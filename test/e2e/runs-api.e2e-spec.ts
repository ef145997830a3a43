import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

const PLAN = { steps: [{ navigate: 'https://example.com/' }, { extract: { name: 'title', selector: 'h1' } }] };

describe('runs API', () => {
  let t: TestApp;
  let team: TeamFixture;
  let operator: UserFixture;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_SYNC_WAIT_SECONDS: '0' } });
    team = await createTeam(t.prisma, { maxConcurrentRuns: 50 });
    operator = await createUser(t.prisma, { team, role: 'operator' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const predict = (key: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/v1/predict', headers: { 'x-mantis-token': key, ...headers }, payload: payload as object });

  it('starts a detached run: 202 with the queued run object', async () => {
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
      limits: { max_cost: 3, max_time_minutes: 60, max_steps: 100, max_loop_iterations: 50 },
      cost_usd: 0,
      steps_completed: 0,
      workflow: null,
      source: 'predict',
      error: null,
    });
    const got = await t.app.inject({ method: 'GET', url: `/v1/runs/${run.run_id}`, headers: { 'x-mantis-token': operator.key } });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(run);
  });
});
