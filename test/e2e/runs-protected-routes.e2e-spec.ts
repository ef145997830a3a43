import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import type { TeamFixture } from '../support/factories.js';
import { describeProtectedRoute } from '../support/protected-route.js';

const PLAN = { steps: [{ navigate: 'https://example.com/' }] };

async function makeRun(t: TestApp, team: TeamFixture, status = 'succeeded') {
  const runId = `run_${randomBytes(16).toString('hex')}`;
  await t.prisma.run.create({
    data: {
      id: runId,
      teamId: team.id,
      status,
      plan: PLAN,
      maxCost: 1,
      maxTimeMinutes: 5,
      maxSteps: 10,
      maxLoopIterations: 5,
      finishedAt: status === 'succeeded' ? new Date() : null,
      result: { extracted: {}, agent: null, screenshots: [], final_url: null },
    },
  });
  return { runId };
}

async function makeWorkflow(t: TestApp, team: TeamFixture) {
  const name = `wf-${randomBytes(3).toString('hex')}`;
  await t.prisma.workflow.create({ data: { teamId: team.id, name, plan: PLAN, digest: 'x' } });
  return { name };
}

async function makeHook(t: TestApp, team: TeamFixture, auth = 'token') {
  const { name } = await makeWorkflow(t, team);
  const path = `hook-${randomBytes(4).toString('hex')}`;
  await t.prisma.hook.create({ data: { teamId: team.id, path, workflowName: name, auth } });
  return { name, path };
}

/** Every route of the run and workflow APIs runs the shared checks: 401, 403 scope and role, 404 across teams. */
describe('run and workflow routes are protected', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  const app = () => t;
  const queued = (t: TestApp, team: TeamFixture) => makeRun(t, team, 'queued');
  const done = (t: TestApp, team: TeamFixture) => makeRun(t, team, 'succeeded');

  // POST /v1/predict: each action with the scope and role of its REST twin.
  describeProtectedRoute(app, {
    method: 'POST',
    url: () => '/v1/predict',
    scope: 'run',
    role: 'operator',
    crossTeam: false,
    payload: () => ({ plan: PLAN, detached: true }),
    allowedStatus: 202,
  });
  describeProtectedRoute(app, {
    method: 'POST',
    url: () => '/v1/predict',
    scope: 'status',
    setup: done,
    payload: ({ fixture }) => ({ action: 'status', run_id: fixture.runId }),
    allowedStatus: 200,
  });
  describeProtectedRoute(app, {
    method: 'POST',
    url: () => '/v1/predict',
    scope: 'result',
    setup: done,
    payload: ({ fixture }) => ({ action: 'result', run_id: fixture.runId }),
    allowedStatus: 200,
  });
  describeProtectedRoute(app, {
    method: 'POST',
    url: () => '/v1/predict',
    scope: 'logs',
    setup: done,
    payload: ({ fixture }) => ({ action: 'logs', run_id: fixture.runId }),
    allowedStatus: 200,
  });
  describeProtectedRoute(app, {
    method: 'POST',
    url: () => '/v1/predict',
    scope: 'run',
    role: 'operator',
    setup: queued,
    payload: ({ fixture }) => ({ action: 'cancel', run_id: fixture.runId }),
    allowedStatus: 202,
  });

  for (const base of [() => '/v1/runs', ({ team }: { team: TeamFixture }) => `/api/v1/teams/${team.slug}/runs`]) {
    describeProtectedRoute(app, {
      method: 'GET',
      url: (c) => base(c),
      scope: 'status',
      crossTeam: base({ team: { id: '', slug: 'x' } }) !== '/v1/runs',
      allowedStatus: 200,
    });
    describeProtectedRoute(app, { method: 'GET', url: (c) => `${base(c)}/${c.fixture.runId}`, scope: 'status', setup: done, allowedStatus: 200 });
    describeProtectedRoute(app, { method: 'GET', url: (c) => `${base(c)}/${c.fixture.runId}/result`, scope: 'result', setup: done, allowedStatus: 200 });
    describeProtectedRoute(app, { method: 'GET', url: (c) => `${base(c)}/${c.fixture.runId}/logs`, scope: 'logs', setup: done, allowedStatus: 200 });
    describeProtectedRoute(app, {
      method: 'POST',
      url: (c) => `${base(c)}/${c.fixture.runId}/cancel`,
      scope: 'run',
      role: 'operator',
      setup: queued,
      allowedStatus: 202,
    });
  }

  for (const prefix of [() => '/api/v1', ({ team }: { team: TeamFixture }) => `/api/v1/teams/${team.slug}`]) {
    const teamPath = prefix({ team: { id: '', slug: 'x' } }) !== '/api/v1';
    describeProtectedRoute(app, {
      method: 'PUT',
      url: (c) => `${prefix(c)}/workflows/wf-new`,
      role: 'team_owner',
      crossTeam: teamPath,
      payload: () => ({ plan: PLAN }),
      allowedStatus: 201,
    });
    describeProtectedRoute(app, { method: 'GET', url: (c) => `${prefix(c)}/workflows`, crossTeam: teamPath, allowedStatus: 200 });
    describeProtectedRoute(app, { method: 'GET', url: (c) => `${prefix(c)}/workflows/${c.fixture.name}`, setup: makeWorkflow, allowedStatus: 200 });
    describeProtectedRoute(app, {
      method: 'DELETE',
      url: (c) => `${prefix(c)}/workflows/${c.fixture.name}`,
      role: 'team_owner',
      setup: makeWorkflow,
      allowedStatus: 204,
    });
    describeProtectedRoute(app, {
      method: 'POST',
      url: (c) => `${prefix(c)}/run/${c.fixture.name}`,
      scope: 'run',
      role: 'operator',
      setup: makeWorkflow,
      payload: () => ({}),
      allowedStatus: 202,
    });
    describeProtectedRoute(app, { method: 'GET', url: (c) => `${prefix(c)}/executions`, scope: 'status', crossTeam: teamPath, allowedStatus: 200 });
    describeProtectedRoute(app, { method: 'GET', url: (c) => `${prefix(c)}/executions/${c.fixture.runId}`, scope: 'status', setup: done, allowedStatus: 200 });
    describeProtectedRoute(app, {
      method: 'POST',
      url: (c) => `${prefix(c)}/cancel/${c.fixture.runId}`,
      scope: 'run',
      role: 'operator',
      setup: queued,
      allowedStatus: 202,
    });
    describeProtectedRoute(app, {
      method: 'PUT',
      url: (c) => `${prefix(c)}/hooks/h-${String(c.fixture.name)}`,
      role: 'team_owner',
      setup: makeWorkflow,
      payload: (c) => ({ workflow: c.fixture.name }),
      allowedStatus: 201,
    });
    describeProtectedRoute(app, { method: 'GET', url: (c) => `${prefix(c)}/hooks`, crossTeam: teamPath, allowedStatus: 200 });
  }

  // A token hook takes the caller's credentials and acts only in the hook's team.
  describeProtectedRoute(app, {
    method: 'POST',
    url: (c) => `/hooks/${c.fixture.path}`,
    scope: 'run',
    role: 'operator',
    setup: (t, team) => makeHook(t, team),
    payload: () => ({}),
    allowedStatus: 202,
  });
});
