import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyCache } from '../../src/modules/api-keys/api-key-cache.js';
import { AuthDeniedAggregator } from '../../src/modules/audit/auth-denied-aggregator.js';
import { hashToken } from '../../src/platform/auth/api-key-format.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser } from '../support/factories.js';

const bogus = () => `mk_${randomBytes(32).toString('hex')}`;

describe('pre-auth limit per client address (MANTIS_PREAUTH_RATE_PER_MINUTE=5)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_PREAUTH_RATE_PER_MINUTE: '5' } });
    await createUser(t.prisma, { admin: true }); // a credential source exists: refusals are 401, not 503
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (url: string, remoteAddress: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, remoteAddress, headers });

  it('refuses the address once it spent its unauthenticated and failed-credential requests; other addresses are untouched', async () => {
    const addr = '10.0.0.1';
    for (let i = 0; i < 3; i++) expect((await get('/v1/runs', addr)).statusCode).toBe(401);
    for (let i = 0; i < 2; i++) expect((await get('/v1/runs', addr, { 'x-mantis-token': bogus() })).statusCode).toBe(401);
    for (const headers of [{}, { 'x-mantis-token': bogus() }, { authorization: 'Bearer not-a-jwt' }] as Record<string, string>[]) {
      const res = await get('/v1/runs', addr, headers);
      expect(res.statusCode).toBe(429);
      expect(res.json().error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect((await get('/v1/runs', '10.0.0.2')).statusCode).toBe(401);
    // Open endpoints do not count and are not refused.
    for (const url of ['/health', '/v1/health', '/healthz', '/v1/models']) expect((await get(url, addr)).statusCode, url).toBe(200);
    const metrics = await get('/metrics', '10.0.0.3');
    expect(metrics.body).toMatch(/^mantis_preauth_rate_limited_total [1-9]/m);
  });

  it('open endpoints never spend the bucket', async () => {
    const addr = '10.0.0.4';
    for (let i = 0; i < 20; i++) expect((await get('/healthz', addr)).statusCode).toBe(200);
    expect((await get('/v1/runs', addr)).statusCode).toBe(401);
  });

  it('a key the replica already knows still works from a refused address (no database needed)', async () => {
    const team = await createTeam(t.prisma);
    const user = await createUser(t.prisma, { team, role: 'viewer' });
    const addr = '10.0.0.5';
    const cache = t.app.get(ApiKeyCache);
    await expect
      .poll(async () => (await get('/v1/runs', addr, { 'x-mantis-token': user.key })).statusCode === 200 && cache.get(hashToken(user.key)) !== undefined, {
        timeout: 10_000,
        interval: 20,
      })
      .toBe(true);
    for (let i = 0; i < 5; i++) await get('/v1/runs', addr);
    expect((await get('/v1/runs', addr)).statusCode).toBe(429);
    expect((await get('/v1/runs', addr, { 'x-mantis-token': user.key })).statusCode).toBe(200);
  });
});

describe('auth.denied aggregation and X-Forwarded-For', () => {
  let t: TestApp;
  let proxied: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_PREAUTH_RATE_PER_MINUTE: '0' } });
    proxied = await buildTestApp({ env: { MANTIS_TRUSTED_PROXIES: '192.168.7.0/24, ::1' }, databaseUrl: t.databaseUrl });
    await createUser(t.prisma, { admin: true });
  });
  afterAll(async () => {
    await proxied?.close();
    await t?.close();
  });
  const post = (app: TestApp, remoteAddress: string, headers: Record<string, string> = {}) =>
    app.app.inject({ method: 'POST', url: '/api/v1/teams', remoteAddress, headers, payload: { name: 'x' } });
  const denials = (ip: string) => t.prisma.auditEvent.findMany({ where: { action: 'auth.denied', ip } });

  it('with the limit at 0, nothing is refused; 80 denials from one address become one event plus one counted event', async () => {
    const addr = '10.9.9.9';
    for (let i = 0; i < 80; i++) expect((await post(t, addr, i % 2 ? { 'x-mantis-token': bogus() } : {})).statusCode).toBe(401);
    await expect.poll(async () => (await denials(addr)).length).toBe(1);
    await t.app.get(AuthDeniedAggregator).flush();
    const events = await denials(addr);
    expect(events).toHaveLength(2);
    const counts = events.map((e) => (e.details as { count: number }).count).sort((a, b) => a - b);
    expect(counts).toEqual([1, 79]);
    expect(events[1].details).toMatchObject({ attempted_action: 'team.create', first_at: expect.any(String), last_at: expect.any(String) });
  });

  it('denials still counted when the process stops are written at shutdown', async () => {
    const replica = await buildTestApp({ env: { MANTIS_PREAUTH_RATE_PER_MINUTE: '0' }, databaseUrl: t.databaseUrl });
    const addr = '10.7.7.7';
    for (let i = 0; i < 5; i++) expect((await post(replica, addr)).statusCode).toBe(401);
    await expect.poll(async () => (await denials(addr)).length).toBe(1);
    await replica.close();
    const counts = (await denials(addr)).map((e) => (e.details as { count: number }).count).sort((a, b) => a - b);
    expect(counts).toEqual([1, 4]);
  });

  it('X-Forwarded-For is ignored from a client that is not a trusted proxy', async () => {
    const res = await post(t, '10.8.8.8', { 'x-forwarded-for': '6.6.6.6' });
    expect(res.statusCode).toBe(401);
    await expect.poll(async () => (await denials('10.8.8.8')).length).toBe(1);
    expect(await denials('6.6.6.6')).toHaveLength(0);
  });

  it('X-Forwarded-For is believed from MANTIS_TRUSTED_PROXIES', async () => {
    const res = await post(proxied, '192.168.7.20', { 'x-forwarded-for': '7.7.7.7' });
    expect(res.statusCode).toBe(401);
    await expect.poll(async () => (await denials('7.7.7.7')).length).toBe(1);
    // A spoofed hop in front of the real client stays untrusted.
    await post(proxied, '192.168.7.20', { 'x-forwarded-for': '6.6.6.6, 8.8.4.4' });
    await expect.poll(async () => (await denials('8.8.4.4')).length).toBe(1);
    expect(await denials('6.6.6.6')).toHaveLength(0);
  });

  it('refuses a malformed MANTIS_TRUSTED_PROXIES at boot, naming it', async () => {
    await expect(buildTestApp({ env: { MANTIS_TRUSTED_PROXIES: '10.0.0.0/99' }, databaseUrl: t.databaseUrl })).rejects.toThrow(/MANTIS_TRUSTED_PROXIES/);
  });
});
