import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

describe('admin API: teams, users, roles', () => {
  let t: TestApp;
  let admin: UserFixture;
  const call = (key: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { 'x-mantis-token': key }, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    t = await buildTestApp();
    admin = await createUser(t.prisma, { admin: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('teams', () => {
    it('an admin creates a team with caps and a slug derived from the name', async () => {
      const res = await call(admin.key, 'POST', '/api/v1/teams', {
        name: 'Acme Corp. Robots',
        max_concurrent_runs: 3,
        allowed_domains: ['Example.COM', '*.Bücher.de'],
        monthly_budget_usd: 100,
      });
      expect(res.statusCode).toBe(201);
      const team = res.json();
      expect(team).toMatchObject({
        slug: 'acme-corp-robots',
        name: 'Acme Corp. Robots',
        max_concurrent_runs: 3,
        max_cost_per_run: 25,
        rate_limit_per_minute: 30,
        monthly_budget_usd: 100,
      });
      expect(team.allowed_domains).toEqual(['example.com', '*.xn--bcher-kva.de']);
      const again = await call(admin.key, 'POST', '/api/v1/teams', { name: 'x', slug: 'acme-corp-robots' });
      expect(again.statusCode).toBe(409);
      expect(again.json().error).toMatchObject({ code: 'conflict', message: 'A team with the slug "acme-corp-robots" already exists' });
    });

    it('rejects bad input with the fields named and creates nothing', async () => {
      const res = await call(admin.key, 'POST', '/api/v1/teams', {
        name: 'ok',
        slug: 'Bad Slug',
        max_concurrent_runs: 0,
        webhook_url: 'ftp://x',
        allowed_domains: ['http://a/b'],
      });
      expect(res.statusCode).toBe(400);
      const fields = res
        .json()
        .error.details.fields.map((f: { field: string }) => f.field)
        .sort();
      expect(fields).toEqual(['allowed_domains.0', 'max_concurrent_runs', 'slug', 'webhook_url']);
      expect(await t.prisma.team.count({ where: { name: 'ok' } })).toBe(0);
    });

    it('members list and read their own teams only; admins see all', async () => {
      const a = await createTeam(t.prisma);
      const b = await createTeam(t.prisma);
      const viewer = await createUser(t.prisma, { team: a, role: 'viewer' });
      const list = await call(viewer.key, 'GET', '/api/v1/teams');
      expect(list.json().data.map((x: { slug: string }) => x.slug)).toEqual([a.slug]);
      expect(list.json().data[0].role).toBe('viewer');
      expect((await call(viewer.key, 'GET', `/api/v1/teams/${a.slug}`)).statusCode).toBe(200);
      expect((await call(viewer.key, 'GET', `/api/v1/teams/${b.slug}`)).statusCode).toBe(404);
      const all = await call(admin.key, 'GET', '/api/v1/teams');
      expect(all.json().data.map((x: { slug: string }) => x.slug)).toEqual(expect.arrayContaining([a.slug, b.slug]));
    });

    it('only admins patch caps, domains, webhook settings, budget and weight', async () => {
      const a = await createTeam(t.prisma);
      const owner = await createUser(t.prisma, { team: a, role: 'team_owner' });
      const denied = await call(owner.key, 'PATCH', `/api/v1/teams/${a.slug}`, { max_concurrent_runs: 50 });
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('insufficient_role');
      const res = await call(admin.key, 'PATCH', `/api/v1/teams/${a.slug}`, {
        max_concurrent_runs: 7,
        webhook_url: 'https://hooks.example.com/x',
        webhook_secret_name: 'wh',
        monthly_budget_usd: null,
        weight: 3,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        max_concurrent_runs: 7,
        webhook_url: 'https://hooks.example.com/x',
        webhook_secret_name: 'wh',
        monthly_budget_usd: null,
        weight: 3,
      });
      expect((await t.prisma.team.findUniqueOrThrow({ where: { id: a.id } })).maxConcurrentRuns).toBe(7);
      expect((await call(admin.key, 'PATCH', `/api/v1/teams/${a.slug}`, {})).statusCode).toBe(400);
      for (const url of ['http://127.0.0.1/hook', 'http://169.254.169.254/latest', 'http://192.168.1.10/x']) {
        const refused = await call(admin.key, 'PATCH', `/api/v1/teams/${a.slug}`, { webhook_url: url });
        expect(refused.statusCode, url).toBe(400);
        expect(refused.json().error.details.fields[0]).toMatchObject({ field: 'webhook_url' });
      }
      expect((await t.prisma.team.findUniqueOrThrow({ where: { id: a.id } })).webhookUrl).toBe('https://hooks.example.com/x');
    });

    it('an admin deletes a team; its service accounts’ keys stop working', async () => {
      const a = await createTeam(t.prisma);
      const owner = await createUser(t.prisma, { team: a, role: 'team_owner' });
      const sa = await call(owner.key, 'POST', `/api/v1/teams/${a.slug}/service-accounts`, { name: 'bot', role: 'operator' });
      expect(sa.statusCode).toBe(201);
      const key = await call(owner.key, 'POST', `/api/v1/teams/${a.slug}/service-accounts/bot/api-keys`, { name: 'ci' });
      expect(key.statusCode).toBe(201);
      expect((await call(key.json().key, 'GET', '/api/v1/me')).statusCode).toBe(200);
      expect((await call(owner.key, 'DELETE', `/api/v1/teams/${a.slug}`)).statusCode).toBe(403);
      expect((await call(admin.key, 'DELETE', `/api/v1/teams/${a.slug}`)).statusCode).toBe(204);
      expect((await call(admin.key, 'GET', `/api/v1/teams/${a.slug}`)).statusCode).toBe(404);
      expect((await call(key.json().key, 'GET', '/api/v1/me')).statusCode).toBe(401);
      expect(await t.prisma.user.count({ where: { email: sa.json().email } })).toBe(0);
    });
  });

  describe('users and roles', () => {
    let team: TeamFixture;
    let other: TeamFixture;
    let owner: UserFixture;
    beforeAll(async () => {
      team = await createTeam(t.prisma);
      other = await createTeam(t.prisma);
      owner = await createUser(t.prisma, { team, role: 'team_owner' });
    });

    it('an admin creates a user with a team and role; the email is unique', async () => {
      const res = await call(admin.key, 'POST', '/api/v1/users', { email: 'Ada@Example.com', name: 'Ada', team: team.slug, role: 'operator' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ email: 'ada@example.com', name: 'Ada', kind: 'human', admin: false, teams: [{ team: team.slug, role: 'operator' }] });
      const dup = await call(admin.key, 'POST', '/api/v1/users', { email: 'ada@example.com', name: 'Ada', team: team.slug, role: 'viewer' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.message).toBe('A user with the email ada@example.com already exists');
      const got = await call(admin.key, 'GET', '/api/v1/users/ada@example.com');
      expect(got.json().teams).toEqual([{ team: team.slug, role: 'operator' }]);
    });

    it('a team_owner adds viewers, operators and auditors to its own team only', async () => {
      const ok = await call(owner.key, 'POST', '/api/v1/users', { email: `aud-${team.slug}@example.com`, name: 'Aud', team: team.slug, role: 'auditor' });
      expect(ok.statusCode).toBe(201);
      for (const role of ['team_owner', 'admin']) {
        const res = await call(owner.key, 'POST', '/api/v1/users', { email: `x-${role}@example.com`, name: 'X', team: team.slug, role });
        expect(res.statusCode).toBe(403);
        expect(res.json().error.code).toBe('insufficient_role');
      }
      const foreign = await call(owner.key, 'POST', '/api/v1/users', { email: 'y@example.com', name: 'Y', team: other.slug, role: 'viewer' });
      expect(foreign.statusCode).toBe(404);
      expect(await t.prisma.user.count({ where: { email: { in: ['x-team_owner@example.com', 'x-admin@example.com', 'y@example.com'] } } })).toBe(0);
    });

    it('a team_owner cannot escalate: no team_owner or admin, no co-owner changes, no other team', async () => {
      const member = await createUser(t.prisma, { team, role: 'viewer' });
      const coOwner = await createUser(t.prisma, { team, role: 'team_owner' });
      const outsider = await createUser(t.prisma, { team: other, role: 'viewer' });
      const put = (key: string, email: string, body: object) => call(key, 'PUT', `/api/v1/users/${email}/role`, body);
      expect((await put(owner.key, member.email, { team: team.slug, role: 'operator' })).statusCode).toBe(200);
      for (const role of ['team_owner', 'admin']) {
        const res = await put(owner.key, member.email, { team: team.slug, role });
        expect(res.statusCode).toBe(403);
      }
      expect((await put(owner.key, coOwner.email, { team: team.slug, role: 'viewer' })).statusCode).toBe(403);
      expect((await put(owner.key, owner.email, { team: other.slug, role: 'viewer' })).statusCode).toBe(404);
      expect((await put(owner.key, outsider.email, { team: other.slug, role: 'operator' })).statusCode).toBe(404);
      const roles = await t.prisma.membership.findMany({ where: { userId: { in: [member.id, coOwner.id, outsider.id] } } });
      expect(roles.map((r) => `${r.userId === member.id ? 'm' : r.userId === coOwner.id ? 'c' : 'o'}:${r.role}`).sort()).toEqual([
        'c:team_owner',
        'm:operator',
        'o:viewer',
      ]);
      expect((await t.prisma.user.findUniqueOrThrow({ where: { id: member.id } })).isAdmin).toBe(false);
      // A viewer may not assign anything.
      expect((await put(member.key, member.email, { team: team.slug, role: 'operator' })).statusCode).toBe(403);
    });

    it('an admin assigns any role, adds memberships, and grants admin', async () => {
      const u = await createUser(t.prisma, { team: other, role: 'viewer' });
      const res = await call(admin.key, 'PUT', `/api/v1/users/${u.email}/role`, { team: team.slug, role: 'team_owner' });
      expect(res.statusCode).toBe(200);
      expect(res.json().teams).toEqual(
        expect.arrayContaining([
          { team: team.slug, role: 'team_owner' },
          { team: other.slug, role: 'viewer' },
        ]),
      );
      const adm = await call(admin.key, 'PUT', `/api/v1/users/${u.email}/role`, { role: 'admin' });
      expect(adm.statusCode).toBe(200);
      expect(adm.json().admin).toBe(true);
    });

    it('lists: admins all users, team owners their members, viewers nothing', async () => {
      const viewer = await createUser(t.prisma, { team, role: 'viewer' });
      const outsider = await createUser(t.prisma, { team: other, role: 'viewer' });
      const mine = await call(owner.key, 'GET', '/api/v1/users?limit=500');
      const emails = mine.json().data.map((u: { email: string }) => u.email);
      expect(emails).toContain(viewer.email);
      expect(emails).not.toContain(outsider.email);
      expect((await call(viewer.key, 'GET', '/api/v1/users')).statusCode).toBe(403);
      expect((await call(owner.key, 'GET', `/api/v1/users/${outsider.email}`)).statusCode).toBe(404);
      expect((await call(viewer.key, 'GET', `/api/v1/users/${viewer.email}`)).statusCode).toBe(200);
      const page = await call(admin.key, 'GET', '/api/v1/users?limit=1');
      expect(page.json().data).toHaveLength(1);
      const next = await call(admin.key, 'GET', `/api/v1/users?limit=1&cursor=${page.json().next_cursor}`);
      expect(next.json().data[0].email > page.json().data[0].email).toBe(true);
    });

    it('deleting a user revokes its keys at once', async () => {
      const u = await createUser(t.prisma, { team, role: 'operator' });
      expect((await call(u.key, 'GET', '/api/v1/me')).statusCode).toBe(200);
      expect((await call(owner.key, 'DELETE', `/api/v1/users/${u.email}`)).statusCode).toBe(204);
      const after = await call(u.key, 'GET', '/api/v1/me');
      expect(after.statusCode).toBe(401);
      expect(after.json().error.code).toBe('invalid_token');
      expect((await call(admin.key, 'GET', `/api/v1/users/${u.email}`)).statusCode).toBe(404);
    });

    it('a team_owner cannot delete a user who also belongs to another team', async () => {
      const u = await createUser(t.prisma, { team, role: 'viewer' });
      await t.prisma.membership.create({ data: { userId: u.id, teamId: other.id, role: 'viewer' } });
      expect((await call(owner.key, 'DELETE', `/api/v1/users/${u.email}`)).statusCode).toBe(403);
      expect(await t.prisma.user.count({ where: { id: u.id } })).toBe(1);
    });

    it('members: any member lists, owners add and remove', async () => {
      const viewer = await createUser(t.prisma, { team, role: 'viewer' });
      const list = await call(viewer.key, 'GET', `/api/v1/teams/${team.slug}/members`);
      expect(list.statusCode).toBe(200);
      expect(list.json().data).toEqual(expect.arrayContaining([expect.objectContaining({ email: owner.email, role: 'team_owner' })]));
      const add = await call(owner.key, 'POST', `/api/v1/teams/${team.slug}/members`, { email: 'new-member@example.com', name: 'New', role: 'operator' });
      expect(add.statusCode).toBe(201);
      expect((await call(viewer.key, 'POST', `/api/v1/teams/${team.slug}/members`, { email: 'z@example.com', role: 'viewer' })).statusCode).toBe(403);
      expect((await call(owner.key, 'DELETE', `/api/v1/teams/${team.slug}/members/new-member@example.com`)).statusCode).toBe(204);
      expect(await t.prisma.membership.count({ where: { teamId: team.id, user: { email: 'new-member@example.com' } } })).toBe(0);
    });
  });
});
