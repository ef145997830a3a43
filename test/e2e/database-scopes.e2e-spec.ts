import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type UserFixture } from '../support/factories.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

const TERMINAL = ['succeeded', 'failed', 'cancelled', 'timed_out'];

/**
 * Every database access names its scope: withTeam for one team's rows, system
 * for cross-team work. With `requireScopes` a query made outside both throws,
 * so each path below (authentication, admin listings, the worker's run
 * writes, a synchronous wait, an event stream) fails if one of its queries
 * lost its scope.
 */
describe('database scopes: nothing runs as the connecting role unnamed', { timeout: 120_000 }, () => {
  let t: TestApp;
  let site: TestSite;
  let prisma: PrismaService;

  beforeAll(async () => {
    site = await startTestSite();
    t = await buildTestApp({ roles: ['api', 'worker'], requireScopes: true, env: { MANTIS_WORKER_POLL_MS: '50' } });
    prisma = t.app.get(PrismaService);
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  const call = (u: UserFixture, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, extra: Record<string, string> = {}) =>
    t.app.inject({ method, url, headers: { 'x-mantis-token': u.key, ...extra }, ...(payload ? { payload: payload as object } : {}) });

  it('refuses an unscoped query, and runs the same query inside a named scope', async () => {
    const team = await createTeam(t.prisma);
    expect(() => prisma.run.findMany({ where: { teamId: team.id } })).toThrow(/outside withTeam\/system/);
    expect(() => prisma.$queryRaw`SELECT 1`).toThrow(/outside withTeam\/system/);
    await expect(prisma.withTeam(team.id, () => prisma.run.findMany({ where: { teamId: team.id } }))).resolves.toEqual([]);
    await expect(prisma.system(() => prisma.team.count())).resolves.toBeGreaterThan(0);
  });

  it('serves authentication and the admin listings from named scopes', async () => {
    const team = await createTeam(t.prisma);
    const admin = await createUser(t.prisma, { admin: true });
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    for (const url of [
      '/api/v1/me',
      '/api/v1/teams',
      `/api/v1/teams/${team.slug}`,
      '/api/v1/users',
      `/api/v1/users/${encodeURIComponent(owner.email)}`,
      `/api/v1/users/${encodeURIComponent(owner.email)}/api-keys`,
      '/api/v1/audit-events?team=global',
      `/api/v1/teams/${team.slug}/members`,
      `/api/v1/teams/${team.slug}/workflows`,
      `/api/v1/teams/${team.slug}/hooks`,
      `/api/v1/teams/${team.slug}/secrets`,
      `/api/v1/teams/${team.slug}/webhook-deliveries`,
    ]) {
      const res = await call(admin, 'GET', url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
    expect((await call(owner, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const created = await call(admin, 'POST', `/api/v1/users/${encodeURIComponent(owner.email)}/api-keys`, { name: 'scoped' });
    expect(created.statusCode).toBe(201);
    expect((await call(admin, 'DELETE', `/api/v1/users/${encodeURIComponent(owner.email)}/api-keys/scoped`)).statusCode).toBeLessThan(300);
  });

  it('runs a run through the worker, a synchronous wait and its event stream in named scopes', async () => {
    const team = await createTeam(t.prisma, { allowedDomains: ['127.0.0.1'] });
    const operator = await createUser(t.prisma, { team, role: 'operator' });
    const plan = { start_url: `${site.url}/`, steps: [{ extract: { name: 'title', selector: 'h1' } }] };
    // Without `detached` the request waits for the run to end (OwnTransaction, polling outside any request transaction).
    const sync = await call(operator, 'POST', '/v1/predict', { action: 'run', plan });
    expect([200, 202], sync.body).toContain(sync.statusCode);
    const runId = sync.json().run_id as string;
    const stream = await call(operator, 'GET', `/v1/runs/${runId}/logs`, undefined, { accept: 'text/event-stream' });
    expect(stream.statusCode).toBe(200);
    expect(stream.body).toContain('event: run.queued');
    const run = (await call(operator, 'GET', `/v1/runs/${runId}`)).json();
    expect(TERMINAL).toContain(run.status);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(stream.body).toContain('event: run.succeeded');
    expect(t.logs.text()).not.toMatch(/outside withTeam\/system/);
  });
});
