import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser } from '../support/factories.js';

describe('API keys over REST, and usage', () => {
  let t: TestApp;
  const call = (key: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { 'x-mantis-token': key }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a user creates, lists and revokes its own keys; the raw key appears once', async () => {
    const team = await createTeam(t.prisma);
    const me = await createUser(t.prisma, { team, role: 'operator' });
    const res = await call(me.key, 'POST', `/api/v1/users/${me.email}/api-keys`, { name: 'laptop', expires_in: '90d', scopes: ['run', 'status'] });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ name: 'laptop', prefix: created.key.slice(0, 9), scopes: ['run', 'status'] });
    expect(created.key).toMatch(/^mk_[0-9a-f]{64}$/);
    expect(Date.parse(created.expires_at) - Date.now()).toBeGreaterThan(89 * 86_400_000);
    expect((await call(created.key, 'GET', '/api/v1/me')).json().scopes).toEqual(['run', 'status']);

    const list = await call(me.key, 'GET', `/api/v1/users/${me.email}/api-keys`);
    expect(list.statusCode).toBe(200);
    const laptop = list.json().data.find((k: { name: string }) => k.name === 'laptop');
    expect(laptop).toMatchObject({ prefix: created.prefix, scopes: ['run', 'status'], source: 'api', revoked_at: null });
    expect(list.body).not.toContain(created.key);
    expect(list.body).not.toMatch(/[0-9a-f]{64}/);

    const revoked = await call(me.key, 'DELETE', `/api/v1/users/${me.email}/api-keys/laptop`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).toEqual(expect.any(String));
    expect((await call(created.key, 'GET', '/api/v1/me')).statusCode).toBe(401);

    const event = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: 'api_key.create', actorId: me.id } });
    expect(event).toMatchObject({ targetType: 'api_key', targetId: 'laptop', outcome: 'success' });
    expect(JSON.stringify(event.details)).toContain(created.prefix);
    expect(JSON.stringify(event.details)).not.toContain(created.key);
    expect(t.logs.text()).not.toContain(created.key);
  });

  it('a key limited to some scopes makes no keys at all, wider or not', async () => {
    const team = await createTeam(t.prisma);
    const me = await createUser(t.prisma, { team, role: 'operator', scopes: ['status'] });
    const wider = await call(me.key, 'POST', `/api/v1/users/${me.email}/api-keys`, { name: 'wide', scopes: ['status', 'run'] });
    expect(wider.statusCode).toBe(403);
    expect(wider.json().error.code).toBe('insufficient_scope');
    const dflt = await call(me.key, 'POST', `/api/v1/users/${me.email}/api-keys`, { name: 'narrow' });
    expect(dflt.statusCode).toBe(403);
    expect(dflt.json().error.code).toBe('insufficient_scope');
  });

  it('team owners manage their service accounts’ keys, not their teammates’ or other teams’', async () => {
    const team = await createTeam(t.prisma);
    const other = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const mate = await createUser(t.prisma, { team, role: 'viewer' });
    const otherOwner = await createUser(t.prisma, { team: other, role: 'team_owner' });
    const sa = await call(owner.key, 'POST', `/api/v1/teams/${team.slug}/service-accounts`, { name: 'ci', role: 'operator' });
    expect(sa.json()).toMatchObject({ name: 'ci', email: `ci@${team.slug}.service.mantis`, role: 'operator', team: team.slug });
    const key = await call(owner.key, 'POST', `/api/v1/users/${sa.json().email}/api-keys`, { name: 'deploy', scopes: ['run'] });
    expect(key.statusCode).toBe(201);
    const me = (await call(key.json().key, 'GET', '/api/v1/me')).json();
    expect(me).toMatchObject({ kind: 'service', teams: [{ team: team.slug, role: 'operator' }], scopes: ['run'] });

    expect((await call(owner.key, 'POST', `/api/v1/users/${mate.email}/api-keys`, { name: 'x' })).statusCode).toBe(403);
    expect((await call(otherOwner.key, 'POST', `/api/v1/users/${sa.json().email}/api-keys`, { name: 'x' })).statusCode).toBe(404);
    expect((await call(mate.key, 'GET', `/api/v1/users/${sa.json().email}/api-keys`)).statusCode).toBe(403);
    // Service accounts a team_owner creates stay below team_owner.
    expect((await call(owner.key, 'POST', `/api/v1/teams/${team.slug}/service-accounts`, { name: 'boss', role: 'team_owner' })).statusCode).toBe(403);
    const dup = await call(owner.key, 'POST', `/api/v1/teams/${team.slug}/service-accounts`, { name: 'ci', role: 'viewer' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toBe(`A service account named ci already exists in ${team.slug}`);
  });

  it('team paths: the team’s service-account keys, and a user’s keys only within a team it belongs to', async () => {
    const team = await createTeam(t.prisma);
    const other = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    await t.prisma.membership.create({ data: { userId: owner.id, teamId: other.id, role: 'team_owner' } });
    const sa = (await call(owner.key, 'POST', `/api/v1/teams/${team.slug}/service-accounts`, { name: 'robot', role: 'viewer' })).json();
    const made = await call(owner.key, 'POST', `/api/v1/teams/${team.slug}/users/${sa.email}/api-keys`, { name: 'nightly' });
    expect(made.statusCode).toBe(201);
    const listed = await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/api-keys`);
    expect(listed.json().data).toEqual([expect.objectContaining({ name: 'nightly', prefix: made.json().prefix, user: sa.email, service_account: 'robot' })]);
    expect(listed.body).not.toContain(made.json().key);
    // The owner also owns `other`, but the service account is not in it.
    expect((await call(owner.key, 'GET', `/api/v1/teams/${other.slug}/users/${sa.email}/api-keys`)).statusCode).toBe(404);
  });

  it('rotation: the old key works through the overlap, and stops at once with overlap 0s', async () => {
    const team = await createTeam(t.prisma);
    const me = await createUser(t.prisma, { team, role: 'operator' });
    const first = (await call(me.key, 'POST', `/api/v1/users/${me.email}/api-keys`, { name: 'svc' })).json();
    const second = await call(me.key, 'POST', `/api/v1/users/${me.email}/api-keys/svc/rotate`, {});
    expect(second.statusCode).toBe(201);
    expect(second.json().key).not.toBe(first.key);
    expect((await call(first.key, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await call(second.json().key, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const third = await call(me.key, 'POST', `/api/v1/users/${me.email}/api-keys/svc/rotate`, { overlap: '0s' });
    expect(third.statusCode).toBe(201);
    expect((await call(second.json().key, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await call(third.json().key, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await call(me.key, 'POST', `/api/v1/users/${me.email}/api-keys/nope/rotate`, {})).statusCode).toBe(404);
  });

  it('usage: spent this month, reserved in flight, budget, and runs per day', async () => {
    const team = await createTeam(t.prisma, { monthlyBudgetUsd: 50 });
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const run = (data: { status: string; costUsd?: number; reservedUsd?: number; finishedAt?: Date | null; createdAt?: Date }) =>
      t.prisma.run.create({
        data: {
          id: `run_${randomBytes(8).toString('hex')}`,
          teamId: team.id,
          plan: { steps: [] },
          maxCost: 5,
          maxTimeMinutes: 5,
          maxSteps: 5,
          maxLoopIterations: 5,
          ...data,
        },
      });
    await run({ status: 'succeeded', costUsd: 1.25, finishedAt: now });
    await run({ status: 'failed', costUsd: 0.5, finishedAt: now });
    await run({ status: 'running', reservedUsd: 5 });
    await run({ status: 'queued', reservedUsd: 2.5 });
    const lastYear = new Date(Date.UTC(now.getUTCFullYear() - 1, 0, 15));
    await run({ status: 'succeeded', costUsd: 9, finishedAt: lastYear, createdAt: lastYear });

    const res = await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/usage`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.team).toBe(team.slug);
    expect(body.month).toEqual({ spent_usd: 1.75, reserved_usd: 7.5, budget_usd: 50 });
    expect(body.days.at(-1)).toEqual({ date: today, runs: 4, cost_usd: 1.75 });
    expect(body.days).toHaveLength(now.getUTCDate()); // from the month's start to today

    const old = await call(
      owner.key,
      'GET',
      `/api/v1/teams/${team.slug}/usage?since=${lastYear.toISOString().slice(0, 10)}&until=${new Date(lastYear.getTime() + 2 * 86_400_000).toISOString().slice(0, 10)}`,
    );
    expect(old.json().days).toEqual([
      { date: lastYear.toISOString().slice(0, 10), runs: 1, cost_usd: 9 },
      { date: new Date(lastYear.getTime() + 86_400_000).toISOString().slice(0, 10), runs: 0, cost_usd: 0 },
    ]);
    expect((await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/usage?since=2026-02-01&until=2026-01-01`)).statusCode).toBe(400);
  });
});
