import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';

/** /readyz runs the cheap checks of `mantis doctor`; a failure names the check, never a key or a path. */
describe('readiness checks', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: TestApp[] = [];
  const keyA = randomBytes(32).toString('base64');
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

  it('a process whose master key is not the one the database records is not ready', async () => {
    const t = await app({ MANTIS_MASTER_KEY: keyA });
    const res = await ready(t);
    expect(res.statusCode).toBe(200);
    expect(res.json().details).toMatchObject({ master_key: { status: 'up' }, data_directory: { status: 'up' } });

    // The database is swapped under the running process (say, restored from another installation's backup).
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query(`SELECT master_key_fingerprint FROM mantis_instance WHERE id = 1`);
      expect(rows[0].master_key_fingerprint).toMatch(/^[0-9a-f]{64}$/);
      await sql.query(`UPDATE mantis_instance SET master_key_fingerprint = '${'0123456789abcdef'.repeat(4)}' WHERE id = 1`);
      const refused = await ready(t);
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error.details.details).toMatchObject({ master_key: { status: 'down' }, database: { status: 'up' } });
      const details = JSON.stringify(refused.json().error.details);
      expect(details).not.toMatch(/[0-9a-f]{16}/);
      expect(details).not.toContain(keyA);
      await sql.query(`UPDATE mantis_instance SET master_key_fingerprint = $1 WHERE id = 1`, [rows[0].master_key_fingerprint]);
      expect((await ready(t)).statusCode).toBe(200);
    } finally {
      await sql.end();
    }
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
