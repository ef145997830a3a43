import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser } from '../support/factories.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('team rate limit shared through Redis by two app instances', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await buildTestApp({ env: { REDIS_URL } });
    b = await buildTestApp({ env: { REDIS_URL }, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it("admits no more than the team's bucket across both instances", async () => {
    const team = await createTeam(a.prisma, { rateLimitPerMinute: 20 });
    const user = await createUser(a.prisma, { team, role: 'viewer' });
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).app.inject({ method: 'GET', url: '/v1/runs', headers: { 'x-mantis-token': user.key } })),
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    const admitted = responses.filter((r) => r.statusCode === 200).length;
    const refused = responses.filter((r) => r.statusCode === 429);
    // 20 tokens, plus at most what refilled (20 per minute) while the burst ran.
    expect(admitted).toBeGreaterThanOrEqual(20);
    expect(admitted).toBeLessThanOrEqual(20 + Math.ceil(elapsedSeconds / 3));
    expect(refused.length).toBe(40 - admitted);
    const r = refused[0];
    expect(r.json().error.code).toBe('rate_limited');
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(3);
    expect(r.headers['x-ratelimit-limit']).toBe('20');
    expect(r.headers['x-ratelimit-remaining']).toBe('0');
    expect(r.headers['ratelimit-policy']).toBe('"team";q=20;w=60');
    expect(r.headers.ratelimit).toMatch(/^"team";r=0;t=\d+$/);
    // Another team's bucket is untouched.
    const other = await createTeam(a.prisma, { rateLimitPerMinute: 20 });
    const otherUser = await createUser(a.prisma, { team: other, role: 'viewer' });
    const ok = await b.app.inject({ method: 'GET', url: '/v1/runs', headers: { 'x-mantis-token': otherUser.key } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['x-ratelimit-remaining']).toBe('19');
  });

  it('Retry-After is the time until a token is back, to the second', async () => {
    // 30 a minute: a token every 2 s, so the one token back after Retry-After is still the only one
    // when the next request arrives, however slow a loaded machine answers.
    const team = await createTeam(a.prisma, { rateLimitPerMinute: 30 });
    const user = await createUser(a.prisma, { team, role: 'viewer' });
    const get = (app: TestApp) => app.app.inject({ method: 'GET', url: '/v1/runs', headers: { 'x-mantis-token': user.key } });
    let refused;
    for (let i = 0; i < 70 && !refused; i++) {
      const res = await get(i % 2 ? a : b);
      if (res.statusCode === 429) refused = res;
    }
    expect(refused).toBeDefined();
    const retryAfter = Number(refused!.headers['retry-after']);
    // Whole seconds until the next token, rounded up: at most one 2 s period.
    expect([1, 2]).toContain(retryAfter);
    // Time is what is under test: the refill. Wait exactly what the server said to wait.
    await sleep(retryAfter * 1000);
    expect((await get(b)).statusCode).toBe(200);
    expect((await get(a)).statusCode).toBe(429);
  });

  it('counts refusals in mantis_rate_limited_total and never limits with 0', async () => {
    const team = await createTeam(a.prisma, { rateLimitPerMinute: 1 });
    const user = await createUser(a.prisma, { team, role: 'viewer' });
    await a.app.inject({ method: 'GET', url: '/v1/runs', headers: { 'x-mantis-token': user.key } });
    const res = await a.app.inject({ method: 'GET', url: '/v1/runs', headers: { 'x-mantis-token': user.key } });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(50);
    const metrics = await a.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(`mantis_rate_limited_total{tenant_id="${team.slug}"} 1`);

    const free = await createTeam(a.prisma, { rateLimitPerMinute: 0 });
    const freeUser = await createUser(a.prisma, { team: free, role: 'viewer' });
    const all = await Promise.all(
      Array.from({ length: 30 }, () => b.app.inject({ method: 'GET', url: '/v1/runs', headers: { 'x-mantis-token': freeUser.key } })),
    );
    expect(all.every((r) => r.statusCode === 200)).toBe(true);
    expect(all[0].headers['x-ratelimit-limit']).toBeUndefined();
  });
});

describe('team rate limit in process (no Redis)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("applies to routes without a team in the path, through the principal's only team", async () => {
    const team = await createTeam(t.prisma, { rateLimitPerMinute: 3 });
    const user = await createUser(t.prisma, { team, role: 'viewer' });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': user.key } })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
  });
});
