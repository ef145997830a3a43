import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser } from '../support/factories.js';

/** A port where nothing listens: Redis is down for this app from the start. */
async function deadPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('rate limit with Redis unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await deadPort()}` } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('still limits with the in-process bucket, logs it and counts it, instead of letting everything through', async () => {
    const team = await createTeam(t.prisma, { rateLimitPerMinute: 3 });
    const user = await createUser(t.prisma, { team, role: 'viewer' });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await t.app.inject({ method: 'GET', url: '/v1/runs', headers: { 'x-mantis-token': user.key } })).statusCode);
    expect(codes.slice(0, 3)).toEqual([200, 200, 200]);
    expect(codes.slice(3)).toEqual([429, 429]);
    expect(t.logs.text()).toContain('limiting with in-process buckets');
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^mantis_rate_limit_fallback_total [1-9]\d*$/m);
    expect(t.logs.text()).not.toContain(user.key);
  });
});
