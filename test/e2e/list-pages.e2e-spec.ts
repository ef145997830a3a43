import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createApiKey, createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

const PLAN = { start_url: 'https://example.com/', steps: [{ click: '#go' }] };

/** Every list route is bounded: `limit` (default 50, at most 200), `cursor`, and `next_cursor` in the answer. */
describe('list routes page with limit and cursor', () => {
  let t: TestApp;
  let team: TeamFixture;
  let owner: UserFixture;
  let admin: UserFixture;

  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.prisma);
    owner = await createUser(t.prisma, { team, role: 'team_owner' });
    admin = await createUser(t.prisma, { admin: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (u: UserFixture, method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { 'x-mantis-token': u.key }, ...(payload ? { payload: payload as object } : {}) });

  /** Walks a list two at a time; returns every page's keys. */
  async function walk(u: UserFixture, url: string, key: (item: Record<string, unknown>) => string): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const res = await call(u, 'GET', `${url}${sep}limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { data: Record<string, unknown>[]; next_cursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(2);
      pages.push(body.data.map(key));
      cursor = body.next_cursor;
      expect(pages.length).toBeLessThan(20);
    } while (cursor);
    return pages;
  }

  function expectPaged(pages: string[][], expected: string[]) {
    expect(pages[0]).toHaveLength(2);
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length);
    for (const e of expected) expect(all).toContain(e);
  }

  it('workflows, hooks, secrets, members and service accounts: two per page, then the rest, nothing twice', async () => {
    const base = `/api/v1/teams/${team.slug}`;
    for (const n of ['wf-a', 'wf-b', 'wf-c']) expect((await call(owner, 'PUT', `${base}/workflows/${n}`, { plan: PLAN })).statusCode).toBe(201);
    for (const n of ['hk-a', 'hk-b', 'hk-c'])
      expect((await call(owner, 'PUT', `${base}/hooks/${team.slug}-${n}`, { workflow: 'wf-a', auth: 'token' })).statusCode).toBe(201);
    for (const n of ['s_a', 's_b', 's_c']) expect((await call(owner, 'PUT', `${base}/secrets/${n}`, { value: 'v' })).statusCode).toBeLessThan(300);
    const members = [owner.email];
    for (let i = 0; i < 2; i++) members.push((await createUser(t.prisma, { team, role: 'viewer' })).email);
    for (const n of ['sa-a', 'sa-b', 'sa-c'])
      expect((await call(owner, 'POST', `${base}/service-accounts`, { name: n, role: 'operator' })).statusCode).toBe(201);

    const workflows = await walk(owner, `${base}/workflows`, (w) => String(w.name));
    expect(workflows).toEqual([['wf-a', 'wf-b'], ['wf-c']]);
    expectPaged(
      await walk(owner, `${base}/hooks`, (h) => String(h.path)),
      ['a', 'b', 'c'].map((x) => `${team.slug}-hk-${x}`),
    );
    expect(await walk(owner, `${base}/secrets`, (s) => String(s.name))).toEqual([['s_a', 's_b'], ['s_c']]);
    expectPaged(await walk(owner, `${base}/members`, (m) => String(m.email)), members);
    expectPaged(await walk(owner, `${base}/service-accounts`, (s) => String(s.name)), ['sa-a', 'sa-b', 'sa-c']);
  });

  it('the keys of a team’s service accounts: newest first, paged, only this team’s', async () => {
    const base = `/api/v1/teams/${team.slug}`;
    const other = await createTeam(t.prisma);
    const otherOwner = await createUser(t.prisma, { team: other, role: 'team_owner' });
    expect((await call(otherOwner, 'POST', `/api/v1/teams/${other.slug}/service-accounts`, { name: 'elsewhere', role: 'operator' })).statusCode).toBe(201);
    expect((await call(otherOwner, 'POST', `/api/v1/teams/${other.slug}/service-accounts/elsewhere/api-keys`, { name: 'not-yours' })).statusCode).toBe(201);
    for (const [sa, key] of [
      ['ka', 'ka-1'],
      ['ka', 'ka-2'],
      ['kb', 'kb-1'],
    ]) {
      if (key.endsWith('-1')) expect((await call(owner, 'POST', `${base}/service-accounts`, { name: sa, role: 'operator' })).statusCode).toBe(201);
      expect((await call(owner, 'POST', `${base}/service-accounts/${sa}/api-keys`, { name: key })).statusCode).toBe(201);
    }
    const pages = await walk(owner, `${base}/api-keys`, (k) => `${String(k.service_account)}/${String(k.name)}`);
    expectPaged(pages, ['ka/ka-1', 'ka/ka-2', 'kb/kb-1']);
    expect(pages.flat().some((k) => k.startsWith('elsewhere/'))).toBe(false);
    expect(pages.flat().indexOf('kb/kb-1')).toBeLessThan(pages.flat().indexOf('ka/ka-1'));
    const res = await call(owner, 'GET', `${base}/api-keys?cursor=${Buffer.from('nonsense').toString('base64url')}`);
    expect(res.statusCode).toBe(400);
  });

  it('teams (admin) and a user’s keys, newest first', async () => {
    const slugs = [];
    for (let i = 0; i < 3; i++) slugs.push((await createTeam(t.prisma)).slug);
    expectPaged(await walk(admin, '/api/v1/teams', (x) => String(x.slug)), [...slugs, team.slug]);
    const user = await createUser(t.prisma, { team, role: 'viewer', keyName: 'k0' });
    for (const name of ['k1', 'k2', 'k3']) await createApiKey(t.prisma, user.id, { name });
    const keys = await walk(admin, `/api/v1/users/${encodeURIComponent(user.email)}/api-keys`, (k) => String(k.name));
    expect(keys.map((p) => p.length)).toEqual([2, 2]);
    expect(keys.flat().sort()).toEqual(['k0', 'k1', 'k2', 'k3']);
  });

  it('answers a bad limit with 400 validation_failed; a limit above the maximum is served as the maximum', async () => {
    for (const url of ['/api/v1/teams', `/api/v1/teams/${team.slug}/workflows`, `/api/v1/teams/${team.slug}/secrets`, `/api/v1/teams/${team.slug}/members`]) {
      for (const limit of ['0', '-1', 'abc', '2.5']) {
        const res = await call(admin, 'GET', `${url}?limit=${limit}`);
        expect(res.statusCode, `${url}?limit=${limit}`).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
      }
      expect((await call(admin, 'GET', `${url}?limit=1000`)).statusCode).toBe(200);
    }
    for (let i = 0; i < 201; i++) await t.prisma.team.create({ data: { slug: `bulk-${i}-${team.slug}`, name: 'bulk', rateLimitPerMinute: 0 } });
    const page = (await call(admin, 'GET', '/api/v1/teams?limit=1000')).json();
    expect(page.data).toHaveLength(200);
    expect(page.next_cursor).not.toBeNull();
    const first = (await call(admin, 'GET', '/api/v1/teams')).json();
    expect(first.data).toHaveLength(50);
  });
});
