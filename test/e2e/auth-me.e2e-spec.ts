import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser } from '../support/factories.js';
import { describeProtectedRoute } from '../support/protected-route.js';

describe('GET /api/v1/me', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  describeProtectedRoute(() => t, { method: 'GET', url: () => '/api/v1/me', crossTeam: false, allowedStatus: 200 });

  it('lists every team of a user in several teams, and the admin flag', async () => {
    const a = await createTeam(t.prisma, { slug: `a-${Date.now()}` });
    const b = await createTeam(t.prisma, { slug: `b-${Date.now()}` });
    const u = await createUser(t.prisma, { team: a, role: 'team_owner', admin: true });
    await t.prisma.membership.create({ data: { userId: u.id, teamId: b.id, role: 'auditor' } });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': u.key } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      kind: 'user',
      admin: true,
      teams: [
        { team: a.slug, role: 'team_owner' },
        { team: b.slug, role: 'auditor' },
      ],
      auth_method: 'api_key',
    });
  });

  it('a service account key reports kind service', async () => {
    const team = await createTeam(t.prisma);
    const sa = await createUser(t.prisma, { team, role: 'operator', kind: 'service' });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${sa.key}` } });
    expect(res.json()).toMatchObject({ kind: 'service', teams: [{ team: team.slug, role: 'operator' }] });
  });
});
