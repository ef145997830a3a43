import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

const PLAN = { steps: [{ navigate: 'https://example.com/' }] };
const PLAN2 = { steps: [{ navigate: 'https://example.com/' }, { click: '#next' }] };

describe('workflows and hooks', () => {
  let t: TestApp;
  let team: TeamFixture;
  let owner: UserFixture;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_SYNC_WAIT_SECONDS: '0' } });
    team = await createTeam(t.prisma, { maxConcurrentRuns: 50 });
    owner = await createUser(t.prisma, { team, role: 'team_owner' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: unknown, key: string | null = owner.key) =>
    t.app.inject({ method, url, headers: key ? { 'x-mantis-token': key } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

  it('applies with versions: 201 new, 200 replaced, identical re-apply keeps the version', async () => {
    const created = await call('PUT', '/api/v1/workflows/checkout', { plan: PLAN, description: 'buy' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'checkout', tenant_id: team.slug, version: 1, description: 'buy', plan: PLAN });
    const same = await call('PUT', '/api/v1/workflows/checkout', { description: 'buy', plan: PLAN });
    expect(same.statusCode).toBe(200);
    expect(same.json().version).toBe(1);
    const changed = await call('PUT', `/api/v1/teams/${team.slug}/workflows/checkout`, { plan: PLAN2, description: 'buy' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ version: 2, plan: PLAN2 });
    const list = await call('GET', '/api/v1/workflows');
    expect(list.json().data.map((w: { name: string; version: number }) => [w.name, w.version])).toEqual([['checkout', 2]]);
    expect((await call('GET', '/api/v1/workflows/checkout')).json().version).toBe(2);
  });

  it('validates the definition and the name', async () => {
    const bad = await call('PUT', '/api/v1/workflows/bad', { plan: { steps: [{ jump: 1 }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0].field).toBe('plan.steps.0');
    expect((await call('PUT', '/api/v1/workflows/bad%20name', { plan: PLAN })).statusCode).toBe(400);
    expect(await t.prisma.workflow.count({ where: { teamId: team.id, name: 'bad' } })).toBe(0);
  });

  it('deletes (204) and then answers 404', async () => {
    await call('PUT', '/api/v1/workflows/temp', { plan: PLAN });
    expect((await call('DELETE', '/api/v1/workflows/temp')).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/workflows/temp')).statusCode).toBe(404);
    expect((await call('DELETE', '/api/v1/workflows/temp')).statusCode).toBe(404);
    expect((await call('POST', '/api/v1/run/temp', {})).statusCode).toBe(404);
  });

  it("keeps each team's workflows apart", async () => {
    const other = await createTeam(t.prisma);
    const otherOwner = await createUser(t.prisma, { team: other, role: 'team_owner' });
    await call('PUT', '/api/v1/workflows/shared-name', { plan: PLAN });
    const theirs = await call('PUT', '/api/v1/workflows/shared-name', { plan: PLAN2 }, otherOwner.key);
    expect(theirs.statusCode).toBe(201);
    expect((await call('GET', '/api/v1/workflows/shared-name')).json().plan).toEqual(PLAN);
    expect((await call('GET', `/api/v1/teams/${team.slug}/workflows/shared-name`, undefined, otherOwner.key)).statusCode).toBe(404);
  });

  it('hooks: globally unique paths, own team only, token or no auth', async () => {
    await call('PUT', '/api/v1/workflows/hooked', { plan: PLAN });
    const path = `deploy-${team.slug}`;
    const made = await call('PUT', `/api/v1/hooks/${path}`, { workflow: 'hooked', auth: 'token' });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ path, url: `/hooks/${path}`, workflow: 'hooked', auth: 'token', tenant_id: team.slug });

    const other = await createTeam(t.prisma);
    const otherOwner = await createUser(t.prisma, { team: other, role: 'team_owner' });
    await call('PUT', '/api/v1/workflows/hooked', { plan: PLAN2 }, otherOwner.key);
    const taken = await call('PUT', `/api/v1/hooks/${path}`, { workflow: 'hooked' }, otherOwner.key);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('conflict');
    expect((await call('PUT', '/api/v1/hooks/x-unknown', { workflow: 'no-such' })).statusCode).toBe(404);

    // A token hook wants credentials of its own team's operator.
    expect((await call('POST', `/hooks/${path}`, {}, null)).statusCode).toBe(401);
    const outsider = await createUser(t.prisma, { team: other, role: 'operator' });
    expect((await call('POST', `/hooks/${path}`, {}, outsider.key)).statusCode).toBe(404);
    const op = await createUser(t.prisma, { team, role: 'operator' });
    const fired = await call('POST', `/hooks/${path}`, { inputs: { sha: 'abc' } }, op.key);
    expect(fired.statusCode).toBe(202);
    expect(fired.json()).toMatchObject({ tenant_id: team.slug, workflow: 'hooked', source: 'hook', status: 'queued' });
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: fired.json().run_id } });
    expect(row).toMatchObject({ teamId: team.id, plan: PLAN, inputs: { sha: 'abc' } });

    // Switched to no auth: anyone may trigger it, still only this team's workflow.
    expect((await call('PUT', `/api/v1/hooks/${path}`, { workflow: 'hooked', auth: 'none' })).statusCode).toBe(200);
    const open = await call('POST', `/hooks/${path}`, {}, null);
    expect(open.statusCode).toBe(202);
    expect(open.json().tenant_id).toBe(team.slug);
    expect((await call('POST', '/hooks/no-such-hook', {}, null)).statusCode).toBe(401);
    expect((await call('POST', '/hooks/no-such-hook', {}, op.key)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/hooks')).json().data.map((h: { path: string }) => h.path)).toEqual([path]);
    expect((await call('DELETE', `/api/v1/hooks/${path}`)).statusCode).toBe(204);
    expect((await call('POST', `/hooks/${path}`, {}, op.key)).statusCode).toBe(404);
  });
});
