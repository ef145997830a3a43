import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeysService } from '../../src/modules/api-keys/api-keys.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createApiKey, createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

describe('team context: path, X-Mantis-Team, or the only team', () => {
  let t: TestApp;
  let a: TeamFixture;
  let b: TeamFixture;
  let stranger: TeamFixture;
  let both: UserFixture;
  beforeAll(async () => {
    t = await buildTestApp();
    a = await createTeam(t.prisma);
    b = await createTeam(t.prisma);
    stranger = await createTeam(t.prisma);
    both = await createUser(t.prisma, { team: a, role: 'team_owner' });
    await t.prisma.membership.create({ data: { userId: both.id, teamId: b.id, role: 'viewer' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, token: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { 'x-mantis-token': token, ...headers } });

  it('a principal in several teams must name one (400 team_required)', async () => {
    const res = await get('/api/v1/workflows', both.key);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('team_required');
  });

  it('X-Mantis-Team or the path picks the team, with the role held there', async () => {
    expect((await get('/api/v1/workflows', both.key, { 'x-mantis-team': a.slug })).statusCode).toBe(200);
    expect((await get(`/api/v1/teams/${b.slug}/workflows`, both.key)).statusCode).toBe(200);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/teams/${b.slug}/workflows/wf`,
      headers: { 'x-mantis-token': both.key, 'content-type': 'application/json' },
      payload: JSON.stringify({ plan: { steps: [{ navigate: 'https://example.com/' }] } }),
    });
    expect(put.json().error.code).toBe('insufficient_role'); // viewer in b, owner in a
  });

  it('a team the principal is not in is 404, exactly like a team that does not exist', async () => {
    const other = await get(`/api/v1/teams/${stranger.slug}/workflows`, both.key);
    const none = await get('/api/v1/teams/no-such-team/workflows', both.key);
    const viaHeader = await get('/api/v1/workflows', both.key, { 'x-mantis-team': stranger.slug });
    for (const res of [other, none, viaHeader]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    expect(other.json().error.message).toBe(none.json().error.message);
  });

  it('an admin acts in any team without being a member', async () => {
    const admin = await createUser(t.prisma, { admin: true });
    expect((await get(`/api/v1/teams/${stranger.slug}/workflows`, admin.key)).statusCode).toBe(200);
    expect((await get('/api/v1/workflows', admin.key, { 'x-mantis-team': stranger.slug })).statusCode).toBe(200);
  });

  it('a key bound to one team acts only there, and never as admin, whoever its user is', async () => {
    const user = await createUser(t.prisma, { team: a, role: 'team_owner', admin: true });
    await t.prisma.membership.create({ data: { userId: user.id, teamId: b.id, role: 'team_owner' } });
    const bound = await createApiKey(t.prisma, user.id, { teamId: a.id });
    const me = await get('/api/v1/me', bound.key);
    expect(me.json()).toMatchObject({ admin: false, teams: [{ team: a.slug, role: 'team_owner' }] });
    expect((await get('/api/v1/workflows', bound.key)).statusCode).toBe(200);
    expect((await get(`/api/v1/teams/${b.slug}/workflows`, bound.key)).statusCode).toBe(404);
    expect((await get(`/api/v1/teams/${stranger.slug}/workflows`, bound.key)).statusCode).toBe(404);
  });

  it("a service account's new key is bound to its team", async () => {
    const svc = await createUser(t.prisma, { team: b, role: 'operator', kind: 'service' });
    const created = await t.app.get(ApiKeysService).create({ userId: svc.id }, { name: 'robot' });
    const row = await t.prisma.apiKey.findFirstOrThrow({ where: { userId: svc.id, name: 'robot' } });
    expect(row.teamId).toBe(b.id);
    expect((await get('/api/v1/me', created.key)).json()).toMatchObject({ kind: 'service', teams: [{ team: b.slug, role: 'operator' }] });
  });
});
