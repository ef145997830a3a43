import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';

/** /readyz runs the cheap checks of `mantis doctor`; a failure names the check, never a key or a path. */
describe('readiness checks', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: TestApp[] = [];
  const keyA = randomBytes(32).toString('base64');
  const keyB = randomBytes(32).toString('base64');
  const app = async (env: Record<string, string>) => {
    const t = await buildTestApp({ databaseUrl: db.url, env });
    apps.push(t);
    return t;
  };
  const ready = (t: TestApp) => t.app.inject({ method: 'GET', url: '/readyz' });

  beforeAll(async () => {
    db = await createTestDatabase('readiness');
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
    await db?.drop();
  });

  it('a process whose master key is not the database’s is not ready, and says so at boot', async () => {
    const first = await app({ MANTIS_MASTER_KEY: keyA });
    const res = await ready(first);
    expect(res.statusCode).toBe(200);
    expect(res.json().details).toMatchObject({ master_key: { status: 'up' }, data_directory: { status: 'up' } });

    const other = await app({ MANTIS_MASTER_KEY: keyB });
    const refused = await ready(other);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.details.details).toMatchObject({ master_key: { status: 'down' }, database: { status: 'up' } });
    expect(JSON.stringify(refused.json().error.details)).not.toMatch(/[0-9a-f]{16}/);
    expect(refused.body).not.toContain(keyB);
    expect(other.logs.text()).toMatch(/"level":50[^\n]*the master key is not the one this database was set up with/);
    expect(other.logs.text()).not.toContain(keyB);
    expect((await ready(first)).statusCode).toBe(200);
  });

  it('with REDIS_URL set, Redis must answer', async () => {
    const up = await app({ MANTIS_MASTER_KEY: keyA, REDIS_URL: 'redis://127.0.0.1:6379' });
    const ok = await ready(up);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().details.redis).toEqual({ status: 'up' });

    const down = await app({ MANTIS_MASTER_KEY: keyA, REDIS_URL: 'redis://127.0.0.1:1' });
    const res = await ready(down);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.details.details).toMatchObject({ redis: { status: 'down' }, database: { status: 'up' } });
  });
});
