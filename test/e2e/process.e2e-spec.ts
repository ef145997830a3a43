import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/platform/auth/api-key-format.js';
import { runCli, startServer } from '../support/cli.js';
import { createTestDatabase } from '../support/database.js';

describe('mantis init', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('init');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('prints one API key on the first run and none on the second; only its hash is stored', async () => {
    const env = { DATABASE_URL: db.url, MANTIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'mantis-init-')) };
    const first = await runCli(['init', '--admin-email', 'Boss@Example.com'], env);
    expect(first.code).toBe(0);
    const keys = [...first.stdout.matchAll(/^API Key: (mk_[0-9a-f]{64})$/gm)].map((m) => m[1]);
    expect(keys).toHaveLength(1);

    const second = await runCli(['init'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/API Key|mk_/);

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const { rows } = await sql.query(
      `SELECT u.email, u.is_admin, k.key_hash, t.slug, m.role FROM users u JOIN api_keys k ON k.user_id = u.id
       JOIN memberships m ON m.user_id = u.id JOIN teams t ON t.id = m.team_id`,
    );
    const all = await sql.query(`SELECT key_hash FROM api_keys`);
    await sql.end();
    expect(rows).toEqual([{ email: 'boss@example.com', is_admin: true, key_hash: hashToken(keys[0]), slug: 'default', role: 'team_owner' }]);
    expect(all.rows).toHaveLength(1);
    expect(JSON.stringify(all.rows)).not.toContain(keys[0]);
  });

  it('stops with a message naming a bad variable', async () => {
    const res = await runCli(['init'], { DATABASE_URL: 'mysql://nope' });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/DATABASE_URL/);
  });
});

describe('mantis start with no configuration', () => {
  it('serves /healthz from an embedded PostgreSQL under MANTIS_DATA_DIR and stops it on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mantis-embedded-'));
    const server = await startServer(['start'], { MANTIS_DATA_DIR: dataDir }, 120_000);
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(existsSync(join(dataDir, 'postgres', 'data', 'PG_VERSION'))).toBe(true);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    expect(existsSync(join(dataDir, 'postgres', 'data', 'postmaster.pid'))).toBe(false);
  }, 180_000);
});

describe('mantis worker', () => {
  it('starts Chromium and the dispatcher, serves its metrics, and exits 0 on SIGTERM', async () => {
    const db = await createTestDatabase('worker');
    try {
      const worker = await startServer(
        ['worker'],
        { DATABASE_URL: db.url, MANTIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'mantis-worker-')), MANTIS_WORKER_METRICS_PORT: '0' },
        120_000,
      );
      expect(worker.output()).toMatch(/"msg":"run dispatcher started"/);
      const metricsPort = Number(/"metricsPort":(\d+)/.exec(worker.output())?.[1]);
      const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/# TYPE mantis_webhook_deliveries_total counter/);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(200);
      const code = await worker.stop('SIGTERM');
      expect(code, worker.output()).toBe(0);
    } finally {
      await db.drop();
    }
  }, 180_000);
});
