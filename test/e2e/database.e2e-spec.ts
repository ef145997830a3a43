import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, withAdmin } from '../support/database.js';

describe('database guarantees', () => {
  let t: TestApp;
  let sql: pg.Client;
  beforeAll(async () => {
    t = await buildTestApp();
    sql = new pg.Client({ connectionString: t.databaseUrl });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await t?.close();
  });

  async function insertAuditRow(hash: string) {
    await sql.query(`INSERT INTO audit_events (actor_type, action, outcome, prev_hash, hash) VALUES ('system', 'test.event', 'success', '', $1)`, [hash]);
  }

  it('refuses UPDATE of an audit event', async () => {
    await insertAuditRow('h-update');
    await expect(sql.query(`UPDATE audit_events SET action = 'forged' WHERE hash = 'h-update'`)).rejects.toThrow(/append-only/);
    const { rows } = await sql.query(`SELECT action FROM audit_events WHERE hash = 'h-update'`);
    expect(rows[0].action).toBe('test.event');
  });

  it('refuses DELETE and TRUNCATE of audit events', async () => {
    await insertAuditRow('h-delete');
    await expect(sql.query(`DELETE FROM audit_events WHERE hash = 'h-delete'`)).rejects.toThrow(/append-only/);
    await expect(sql.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    const { rowCount } = await sql.query(`SELECT 1 FROM audit_events WHERE hash = 'h-delete'`);
    expect(rowCount).toBe(1);
  });

  it('keeps one live key name per user but lets a revoked key keep its name', async () => {
    const u = await sql.query(`INSERT INTO users (email, name) VALUES ('names@example.com', 'n') RETURNING id`);
    const insert = (hash: string) =>
      sql.query(`INSERT INTO api_keys (user_id, name, key_hash, prefix) VALUES ($1, 'ci', $2, 'mk_000000')`, [u.rows[0].id, hash]);
    await insert('a'.repeat(64));
    await expect(insert('b'.repeat(64))).rejects.toThrow(/unique/i);
    await sql.query(`UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1`, ['a'.repeat(64)]);
    await expect(insert('c'.repeat(64))).resolves.toBeDefined();
  });

  it('row-level security limits a non-owner role to the team it names', async () => {
    const teams = await sql.query(`INSERT INTO teams (slug, name) VALUES ('rls-a', 'a'), ('rls-b', 'b') RETURNING id, slug`);
    const [a, b] = teams.rows;
    await sql.query(`INSERT INTO workflows (team_id, name, plan, digest) VALUES ($1, 'wf', '{}', 'x'), ($2, 'wf', '{}', 'y')`, [a.id, b.id]);
    const role = `mantis_app_${Date.now()}`;
    await sql.query(`CREATE ROLE ${role} NOLOGIN; GRANT SELECT ON workflows TO ${role}`);
    try {
      await sql.query('BEGIN');
      await sql.query(`SET LOCAL ROLE ${role}`);
      await sql.query(`SELECT set_config('mantis.team_id', $1, true)`, [a.id]);
      const { rows } = await sql.query(`SELECT team_id FROM workflows`);
      expect(rows.map((r) => r.team_id)).toEqual([a.id]);
      await sql.query('ROLLBACK');
    } finally {
      await sql.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });
});

describe('readiness', () => {
  it('fails with 503 when a migration is not applied, and recovers', async () => {
    const t = await buildTestApp();
    try {
      const sql = new pg.Client({ connectionString: t.databaseUrl });
      await sql.connect();
      const { rows } = await sql.query(`SELECT migration_name, id FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`);
      await sql.query(`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = $1`, [rows[0].id]);
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('service_unavailable');
      expect(JSON.stringify(res.json().error.details)).toContain(rows[0].migration_name);
      await sql.query(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE id = $1`, [rows[0].id]);
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await sql.end();
    } finally {
      await t.close();
    }
  });

  it('fails with 503 when the database is unreachable while liveness stays 200', async () => {
    const db = await createTestDatabase('down');
    const t = await buildTestApp({ databaseUrl: db.url });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await withAdmin((c) => c.query(`DROP DATABASE "${db.name}" WITH (FORCE)`));
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.details).toMatchObject({ details: { database: { status: 'down' } } });
      expect(res.body).not.toMatch(/password|postgresql:\/\//);
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await t.app.close();
      await t.prisma.$disconnect().catch(() => undefined);
    }
  });
});
