import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

describe('a team_owner takes in only new users or its own members', () => {
  let t: TestApp;
  let mine: TeamFixture;
  let theirs: TeamFixture;
  let owner: UserFixture;
  let theirOwner: UserFixture;
  let theirMember: UserFixture;
  let admin: UserFixture;
  const call = (key: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { 'x-mantis-token': key }, ...(payload ? { payload } : {}) });
  const teamsOf = async (id: string) => (await t.prisma.membership.findMany({ where: { userId: id } })).map((m) => m.teamId).sort();

  beforeAll(async () => {
    t = await buildTestApp();
    mine = await createTeam(t.prisma);
    theirs = await createTeam(t.prisma);
    owner = await createUser(t.prisma, { team: mine, role: 'team_owner' });
    theirOwner = await createUser(t.prisma, { team: theirs, role: 'team_owner' });
    theirMember = await createUser(t.prisma, { team: theirs, role: 'operator' });
    admin = await createUser(t.prisma, { admin: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('adding another team’s owner or member as a member is 403 insufficient_role and changes nothing', async () => {
    for (const victim of [theirOwner, theirMember]) {
      const res = await call(owner.key, 'POST', `/api/v1/teams/${mine.slug}/members`, { email: victim.email, role: 'viewer' });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('insufficient_role');
      expect(await teamsOf(victim.id)).toEqual([theirs.id]);
    }
    // The victim's calls keep working without naming a team.
    expect((await call(theirOwner.key, 'GET', '/v1/runs')).statusCode).toBe(200);
  });

  it('creating a user whose email belongs to another team’s member is 403, not a way in', async () => {
    const res = await call(owner.key, 'POST', '/api/v1/users', { email: theirOwner.email, name: 'x', team: mine.slug, role: 'viewer' });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('insufficient_role');
    expect(await teamsOf(theirOwner.id)).toEqual([theirs.id]);
  });

  it('assigning a role in its team to a user from elsewhere is 403 too', async () => {
    const res = await call(owner.key, 'PUT', `/api/v1/users/${theirMember.email}/role`, { team: mine.slug, role: 'operator' });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('insufficient_role');
    expect(await teamsOf(theirMember.id)).toEqual([theirs.id]);
  });

  it('an existing user in no team is not new either', async () => {
    const loner = await createUser(t.prisma);
    expect((await call(owner.key, 'POST', `/api/v1/teams/${mine.slug}/members`, { email: loner.email, role: 'viewer' })).statusCode).toBe(403);
    expect(await teamsOf(loner.id)).toEqual([]);
  });

  it('new users and its own members remain the owner’s to manage; an admin may add anyone', async () => {
    const added = await call(owner.key, 'POST', `/api/v1/teams/${mine.slug}/members`, { email: 'newcomer@example.com', name: 'New', role: 'viewer' });
    expect(added.statusCode, added.body).toBe(201);
    const promoted = await call(owner.key, 'PUT', '/api/v1/users/newcomer@example.com/role', { team: mine.slug, role: 'operator' });
    expect(promoted.statusCode, promoted.body).toBe(200);
    const byAdmin = await call(admin.key, 'POST', `/api/v1/teams/${mine.slug}/members`, { email: theirMember.email, role: 'viewer' });
    expect(byAdmin.statusCode, byAdmin.body).toBe(201);
    expect(await teamsOf(theirMember.id)).toEqual([mine.id, theirs.id].sort());
  });
});
