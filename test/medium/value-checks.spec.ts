import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES, TEAM_ROLES } from '../../src/platform/auth/principal.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { HOOK_AUTH } from '../../src/modules/hooks/hook.js';
import { RUN_SOURCES, RUN_STATUSES } from '../../src/modules/runs/run.js';
import { TEAM_SOURCES } from '../../src/modules/teams/team.js';
import { createTeam, createUser } from '../support/factories.js';
import { bootMedium, type MediumApp } from '../support/medium.js';

/** The CHECK constraints on status, role, source and kind columns, on a real database (no HTTP). */
describe('value checks', () => {
  let m: MediumApp;
  let prisma: PrismaService;
  let sql: pg.Client;
  const ids: Record<string, string> = {};

  /** One column of one row, the values the application writes into it, and the constraint that guards it. */
  interface Column {
    table: string;
    column: string;
    where: () => [string, string];
    allowed: readonly (string | string[])[];
    invalid: string | string[];
  }

  const columns: Column[] = [
    { table: 'teams', column: 'source', where: () => ['id', ids.team], allowed: TEAM_SOURCES, invalid: 'imported' },
    { table: 'users', column: 'kind', where: () => ['id', ids.user], allowed: ['human', 'service'], invalid: 'robot' },
    { table: 'memberships', column: 'role', where: () => ['user_id', ids.user], allowed: TEAM_ROLES, invalid: 'admin' },
    { table: 'api_keys', column: 'source', where: () => ['id', ids.key], allowed: TEAM_SOURCES, invalid: 'console' },
    { table: 'api_keys', column: 'scopes', where: () => ['id', ids.key], allowed: [[...SCOPES], ['status']], invalid: ['run', 'admin'] },
    { table: 'hooks', column: 'auth', where: () => ['id', ids.hook], allowed: HOOK_AUTH, invalid: 'basic' },
    { table: 'runs', column: 'status', where: () => ['id', ids.run], allowed: RUN_STATUSES, invalid: 'paused' },
    { table: 'runs', column: 'source', where: () => ['id', ids.run], allowed: RUN_SOURCES, invalid: 'cron' },
    { table: 'artifacts', column: 'kind', where: () => ['id', ids.artifact], allowed: ['screenshot', 'trace', 'video'], invalid: 'har' },
    { table: 'idempotency_records', column: 'state', where: () => ['id', ids.idempotency], allowed: ['in_flight', 'completed'], invalid: 'done' },
    {
      table: 'webhook_deliveries',
      column: 'status',
      where: () => ['id', ids.delivery],
      allowed: ['pending', 'succeeded', 'failed', 'refused'],
      invalid: 'sent',
    },
    { table: 'sessions', column: 'auth_method', where: () => ['id', ids.session], allowed: ['oidc', 'api_key'], invalid: 'password' },
  ];

  /** Runs `fn` in a transaction that is always rolled back. */
  async function rolledBack<T>(fn: () => Promise<T>): Promise<T> {
    await sql.query('BEGIN');
    try {
      return await fn();
    } finally {
      await sql.query('ROLLBACK');
    }
  }

  const set = (c: Column, value: string | string[]) => {
    const [key, id] = c.where();
    return sql.query(`UPDATE "${c.table}" SET "${c.column}" = $1 WHERE "${key}" = $2`, [value, id]);
  };
  const read = async (c: Column) => {
    const [key, id] = c.where();
    return (await sql.query(`SELECT "${c.column}" AS v FROM "${c.table}" WHERE "${key}" = $1`, [id])).rows[0].v;
  };

  beforeAll(async () => {
    m = await bootMedium();
    prisma = m.prisma;
    sql = new pg.Client({ connectionString: m.databaseUrl });
    await sql.connect();
    const team = await createTeam(prisma);
    const user = await createUser(prisma, { team, role: 'operator' });
    Object.assign(ids, { team: team.id, user: user.id, key: user.keyId });
    const q = async (text: string, values: unknown[]) => (await sql.query(text, values)).rows[0].id as string;
    ids.hook = await q(`INSERT INTO hooks (path, team_id, workflow_name) VALUES ('checks', $1, 'wf') RETURNING id`, [team.id]);
    ids.run = await q(
      `INSERT INTO runs (id, team_id, plan, max_cost, max_time_minutes, max_steps, max_loop_iterations)
       VALUES ('run_checks0000000000', $1, '{}', 1, 1, 1, 1) RETURNING id`,
      [team.id],
    );
    ids.artifact = await q(
      `INSERT INTO artifacts (run_id, team_id, kind, name, path, content_type) VALUES ($1, $2, 'screenshot', 'a', 'a.png', 'image/png') RETURNING id`,
      [ids.run, team.id],
    );
    ids.idempotency = await q(`INSERT INTO idempotency_records (team_id, key, request_hash, expires_at) VALUES ($1, 'k', 'h', now()) RETURNING id`, [team.id]);
    ids.delivery = await q(
      `INSERT INTO webhook_deliveries (id, team_id, url, event_type, payload) VALUES ('msg_checks', $1, 'https://example.com', 'run.succeeded', '{}') RETURNING id`,
      [team.id],
    );
    ids.session = await q(`INSERT INTO sessions (token_hash, user_id, auth_method, expires_at) VALUES ('t', $1, 'oidc', now()) RETURNING id`, [user.id]);
  });

  afterAll(async () => {
    await sql?.end();
    await m?.close();
  });

  for (const c of columns) {
    it(`${c.table}.${c.column} refuses ${JSON.stringify(c.invalid)} and keeps its value`, async () => {
      const before = await read(c);
      await expect(set(c, c.invalid)).rejects.toThrow(`violates check constraint "${c.table}_${c.column}_check"`);
      expect(await read(c)).toEqual(before);
    });

    it(`${c.table}.${c.column} accepts every value the application writes`, async () => {
      for (const value of c.allowed) {
        await rolledBack(async () => {
          await set(c, value);
          expect(await read(c)).toEqual(value);
        });
      }
    });
  }

  it('audit events refuse an unknown actor type or outcome', async () => {
    const insert = (actorType: string, outcome: string, hash: string) =>
      sql.query(`INSERT INTO audit_events (actor_type, action, outcome, prev_hash, hash) VALUES ($1, 'test.event', $2, '', $3)`, [actorType, outcome, hash]);
    await expect(insert('robot', 'success', 'h-actor')).rejects.toThrow('violates check constraint "audit_events_actor_type_check"');
    await expect(insert('system', 'maybe', 'h-outcome')).rejects.toThrow('violates check constraint "audit_events_outcome_check"');
    for (const [i, [actor, outcome]] of [
      ['user', 'success'],
      ['api_key', 'denied'],
      ['tenant_token', 'error'],
      ['system', 'success'],
    ].entries()) {
      await expect(insert(actor, outcome, `h-ok-${i}`)).resolves.toBeDefined();
    }
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM audit_events WHERE hash LIKE 'h-%'`);
    expect(rows[0].n).toBe(4);
  });
});
