import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES, type Scope, type TeamRole } from '../../src/platform/auth/principal.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';

type Who = TeamRole | 'admin';
const WHO: Who[] = ['viewer', 'operator', 'auditor', 'team_owner', 'admin'];

interface Action {
  action: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: (team: string) => string;
  body?: unknown;
  allowed: Who[];
}

const everyone: Who[] = WHO;
const owners: Who[] = ['team_owner', 'admin'];

/** The roles of the OpenAPI description, one representative route per action; "allowed" means the guards let the request through. */
const MATRIX: Action[] = [
  { action: 'read runs', method: 'GET', url: (t) => `/api/v1/teams/${t}/runs`, allowed: everyone },
  { action: 'read a run result', method: 'GET', url: (t) => `/api/v1/teams/${t}/runs/run_absent/result`, allowed: everyone },
  { action: 'read workflows', method: 'GET', url: (t) => `/api/v1/teams/${t}/workflows`, allowed: everyone },
  { action: 'read executions', method: 'GET', url: (t) => `/api/v1/teams/${t}/executions`, allowed: everyone },
  { action: 'start a run', method: 'POST', url: (t) => `/api/v1/teams/${t}/run/absent-workflow`, body: {}, allowed: ['operator', 'team_owner', 'admin'] },
  { action: 'cancel a run', method: 'POST', url: (t) => `/api/v1/teams/${t}/runs/run_absent/cancel`, body: {}, allowed: ['operator', 'team_owner', 'admin'] },
  {
    action: 'apply a workflow',
    method: 'PUT',
    url: (t) => `/api/v1/teams/${t}/workflows/matrix`,
    body: { plan: { steps: [{ navigate: 'https://example.com/' }] } },
    allowed: owners,
  },
  { action: 'delete a workflow', method: 'DELETE', url: (t) => `/api/v1/teams/${t}/workflows/absent`, allowed: owners },
  { action: 'list secret names', method: 'GET', url: (t) => `/api/v1/teams/${t}/secrets`, allowed: everyone },
  { action: 'update a secret', method: 'PUT', url: (t) => `/api/v1/teams/${t}/secrets/matrix_secret`, body: { value: 'v' }, allowed: owners },
  { action: 'delete a secret', method: 'DELETE', url: (t) => `/api/v1/teams/${t}/secrets/absent_secret`, allowed: owners },
  { action: 'add a member', method: 'POST', url: (t) => `/api/v1/teams/${t}/members`, body: {}, allowed: owners },
  { action: 'create a service account', method: 'POST', url: (t) => `/api/v1/teams/${t}/service-accounts`, body: {}, allowed: owners },
  { action: "read the team's audit log", method: 'GET', url: (t) => `/api/v1/teams/${t}/audit-events`, allowed: ['auditor', 'team_owner', 'admin'] },
  {
    action: "export the team's audit log",
    method: 'GET',
    url: (t) => `/api/v1/teams/${t}/audit-events/export?format=ndjson`,
    allowed: ['auditor', 'team_owner', 'admin'],
  },
  { action: 'create a team', method: 'POST', url: () => '/api/v1/teams', body: {}, allowed: ['admin'] },
  { action: 'list users (a team_owner sees its own team)', method: 'GET', url: () => '/api/v1/users', allowed: owners },
  { action: 'update a team', method: 'PATCH', url: (t) => `/api/v1/teams/${t}`, body: {}, allowed: ['admin'] },
  { action: 'read every team’s audit log', method: 'GET', url: () => '/api/v1/audit-events', allowed: ['admin'] },
];

describe('role matrix', () => {
  let t: TestApp;
  let team: TeamFixture;
  const keys = new Map<Who, string>();
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') } });
    team = await createTeam(t.prisma);
    for (const who of WHO) {
      const u = who === 'admin' ? await createUser(t.prisma, { admin: true }) : await createUser(t.prisma, { team, role: who });
      keys.set(who, u.key);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const cases = MATRIX.flatMap((a) => WHO.map((who) => ({ ...a, who, expected: a.allowed.includes(who) ? 'allowed' : 'insufficient_role' })));

  it.each(cases)('$action as $who: $expected', async ({ method, url, body, who, expected }) => {
    const res = await t.app.inject({
      method,
      url: url(team.slug),
      headers: { 'x-mantis-token': keys.get(who)!, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    if (expected === 'allowed') {
      expect([401, 403], res.body).not.toContain(res.statusCode);
      expect(res.statusCode, res.body).toBeLessThan(500);
    } else {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('insufficient_role');
    }
  });
});

describe('scope matrix of the run API', () => {
  let t: TestApp;
  let team: TeamFixture;
  const byScope = new Map<Scope, string>();
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.prisma);
    for (const scope of SCOPES) byScope.set(scope, (await createUser(t.prisma, { team, role: 'team_owner', scopes: [scope] })).key);
  });
  afterAll(async () => {
    await t?.close();
  });

  const ROUTES: { route: string; method: 'GET' | 'POST'; url: string; body?: unknown; needs: Scope }[] = [
    { route: 'GET /v1/runs', method: 'GET', url: '/v1/runs', needs: 'status' },
    { route: 'GET /v1/runs/{id}', method: 'GET', url: '/v1/runs/run_absent', needs: 'status' },
    { route: 'GET /v1/runs/{id}/result', method: 'GET', url: '/v1/runs/run_absent/result', needs: 'result' },
    { route: 'GET /v1/runs/{id}/video', method: 'GET', url: '/v1/runs/run_absent/video', needs: 'result' },
    { route: 'GET /v1/runs/{id}/logs', method: 'GET', url: '/v1/runs/run_absent/logs', needs: 'logs' },
    { route: 'POST /v1/runs/{id}/cancel', method: 'POST', url: '/v1/runs/run_absent/cancel', body: {}, needs: 'run' },
    { route: 'GET /api/v1/executions', method: 'GET', url: '/api/v1/executions', needs: 'status' },
    { route: 'POST /api/v1/run/{workflow}', method: 'POST', url: '/api/v1/run/absent', body: {}, needs: 'run' },
    { route: 'POST /v1/predict status', method: 'POST', url: '/v1/predict', body: { action: 'status', run_id: 'run_absent' }, needs: 'status' },
    { route: 'POST /v1/predict result', method: 'POST', url: '/v1/predict', body: { action: 'result', run_id: 'run_absent' }, needs: 'result' },
    { route: 'POST /v1/predict logs', method: 'POST', url: '/v1/predict', body: { action: 'logs', run_id: 'run_absent' }, needs: 'logs' },
    { route: 'POST /v1/predict cancel', method: 'POST', url: '/v1/predict', body: { action: 'cancel', run_id: 'run_absent' }, needs: 'run' },
  ];
  const cases = ROUTES.flatMap((r) => SCOPES.map((scope) => ({ ...r, scope, expected: scope === r.needs ? 'allowed' : 'insufficient_scope' })));

  it.each(cases)('$route with a "$scope"-only key: $expected', async ({ method, url, body, scope, expected }) => {
    const res = await t.app.inject({
      method,
      url,
      headers: { 'x-mantis-token': byScope.get(scope)!, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    if (expected === 'allowed') {
      expect([401, 403], res.body).not.toContain(res.statusCode);
      expect(res.statusCode, res.body).toBeLessThan(500);
    } else {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('insufficient_scope');
    }
  });
});
