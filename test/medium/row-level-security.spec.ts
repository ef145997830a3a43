import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';
import { bootMedium, type MediumApp } from '../support/medium.js';

/** Row-level security on a real database, as the application role sees it (no HTTP). */
describe('row-level security (mantis_app)', () => {
  let m: MediumApp;
  let prisma: PrismaService;
  let client: pg.Client;
  let a: TeamFixture;
  let b: TeamFixture;
  let teamTables: string[];

  /** One transaction as mantis_app, optionally with mantis.team_id set; always rolled back. */
  async function asApp<T>(teamId: string | null, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT set_config('role', 'mantis_app', true)`);
      if (teamId) await client.query(`SELECT set_config('mantis.team_id', $1, true)`, [teamId]);
      return await fn(client);
    } finally {
      await client.query('ROLLBACK');
    }
  }

  async function refusal(p: Promise<unknown>): Promise<string> {
    const e = await p.then(
      () => null,
      (err: Error) => err,
    );
    expect(e, 'statement should have been refused').not.toBeNull();
    return e!.message;
  }

  async function seed(team: TeamFixture): Promise<void> {
    await createUser(prisma, { team, role: 'operator' });
    await prisma.workflow.create({ data: { teamId: team.id, name: `wf-${team.slug}`, plan: { steps: [] }, digest: 'd' } });
    const run = await prisma.run.create({
      data: { id: `run_${randomUUID().slice(0, 8)}`, teamId: team.id, plan: { steps: [] }, maxCost: 1, maxTimeMinutes: 1, maxSteps: 1, maxLoopIterations: 1 },
    });
    await prisma.runEvent.create({ data: { teamId: team.id, runId: run.id, seq: 1, type: 'run.queued' } });
    await prisma.secret.create({ data: { teamId: team.id, name: 's1', ciphertext: Buffer.from('x'), nonce: Buffer.from('n'), keyVersion: 1 } });
    await prisma.$executeRaw`INSERT INTO audit_events (id, ts, team_id, team_slug, actor_type, action, outcome, prev_hash, hash, details)
      VALUES (${randomUUID()}::uuid, now(), ${team.id}::uuid, ${team.slug}, 'system', 'test.seed', 'success', md5(random()::text), md5(random()::text), '{}')`;
  }

  beforeAll(async () => {
    m = await bootMedium();
    prisma = m.prisma;
    client = new pg.Client({ connectionString: m.databaseUrl });
    await client.connect();
    a = await createTeam(prisma);
    b = await createTeam(prisma);
    await seed(a);
    await seed(b);
    const { rows } = await client.query(`SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'team_id' ORDER BY 1`);
    teamTables = rows.map((r) => r.table_name as string);
  });

  afterAll(async () => {
    await client?.end();
    await m?.close();
  });

  it('mantis_app cannot log in, cannot bypass RLS and owns nothing', async () => {
    const { rows } = await client.query(`SELECT rolcanlogin, rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'mantis_app'`);
    expect(rows).toEqual([{ rolcanlogin: false, rolbypassrls: false, rolsuper: false }]);
    const owned = await client.query(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'mantis_app'`);
    expect(owned.rows[0].n).toBe(0);
  });

  it('every table with a team_id column has RLS enabled and forced', async () => {
    expect(teamTables).toEqual(expect.arrayContaining(['runs', 'workflows', 'audit_events', 'api_keys', 'secrets', 'chat_completions']));
    const { rows } = await client.query(`SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'`, [
      teamTables,
    ]);
    expect(rows).toHaveLength(teamTables.length);
    for (const r of rows) expect({ t: r.relname, on: r.relrowsecurity, forced: r.relforcerowsecurity }).toEqual({ t: r.relname, on: true, forced: true });
    const policies = await client.query(`SELECT tablename, qual, with_check FROM pg_policies WHERE tablename = ANY($1) AND policyname = 'team_isolation'`, [
      teamTables,
    ]);
    expect(policies.rows.map((p) => p.tablename).sort()).toEqual([...teamTables].sort());
    for (const p of policies.rows) {
      expect(p.qual).toContain("current_setting('mantis.team_id'::text, true)");
      expect(p.with_check).toContain("current_setting('mantis.team_id'::text, true)");
    }
  });

  it('with no team set, mantis_app sees 0 rows in every team_id table and cannot insert', async () => {
    await asApp(null, async (c) => {
      for (const t of teamTables) {
        const { rows } = await c.query(`SELECT count(*)::int AS n FROM "${t}"`);
        expect({ t, n: rows[0].n }).toEqual({ t, n: 0 });
      }
      await c.query('SAVEPOINT s');
      expect(await refusal(c.query(`INSERT INTO workflows (id, team_id, name, plan, digest) VALUES (gen_random_uuid(), $1, 'x', '{}', 'd')`, [a.id]))).toMatch(
        /row-level security/,
      );
      await c.query('ROLLBACK TO SAVEPOINT s');
      expect(
        await refusal(
          c.query(
            `INSERT INTO audit_events (id, ts, team_id, actor_type, action, outcome, prev_hash, hash, details)
        VALUES (gen_random_uuid(), now(), $1, 'system', 'x', 'success', md5(random()::text), md5(random()::text), '{}')`,
            [a.id],
          ),
        ),
      ).toMatch(/row-level security/);
    });
  });

  it("with team A's id, mantis_app sees only A's rows and cannot write B's", async () => {
    const all = await client.query(`SELECT count(*)::int AS n FROM runs WHERE team_id = $1`, [a.id]);
    await asApp(a.id, async (c) => {
      for (const t of teamTables) {
        const { rows } = await c.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE team_id <> $1)::int AS foreign FROM "${t}"`, [a.id]);
        expect({ t, foreign: rows[0].foreign }).toEqual({ t, foreign: 0 });
      }
      expect((await c.query('SELECT count(*)::int AS n FROM runs')).rows[0].n).toBe(all.rows[0].n);
      expect(all.rows[0].n).toBeGreaterThan(0);
      expect(await refusal(c.query(`INSERT INTO workflows (id, team_id, name, plan, digest) VALUES (gen_random_uuid(), $1, 'x', '{}', 'd')`, [b.id]))).toMatch(
        /row-level security/,
      );
    });
  });

  it('withTeam: a query that forgets its team filter still cannot see team B', async () => {
    const unscoped = await prisma.withTeam(a.id, (tx) => tx.workflow.findMany({ select: { teamId: true } }));
    expect(unscoped.length).toBeGreaterThan(0);
    expect(new Set(unscoped.map((w) => w.teamId))).toEqual(new Set([a.id]));
    const byId = await prisma.withTeam(a.id, (tx) => tx.run.findMany({ where: { teamId: b.id } }));
    expect(byId).toEqual([]);
    const who = await prisma.withTeam(a.id, (tx) => tx.$queryRaw<{ u: string; t: string }[]>`SELECT current_user AS u, current_setting('mantis.team_id') AS t`);
    expect(who).toEqual([{ u: 'mantis_app', t: a.id }]);
    await expect(prisma.withTeam(a.id, (tx) => tx.workflow.create({ data: { teamId: b.id, name: 'planted', plan: {}, digest: 'd' } }))).rejects.toThrow(
      /row-level security|denied/i,
    );
    expect(await prisma.workflow.count({ where: { name: 'planted' } })).toBe(0);
  });

  it('teamRead (the pool path of hot reads): an unscoped query sees only its team, and the connection comes back clean', async () => {
    const rows = await prisma.teamRead<{ team_id: string }>(a.id, 'SELECT team_id FROM runs', []);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.team_id))).toEqual(new Set([a.id]));
    expect(await prisma.teamRead(a.id, 'SELECT * FROM runs WHERE team_id = $1::uuid', [b.id])).toEqual([]);
    await expect(prisma.teamRead(a.id, 'DELETE FROM runs WHERE team_id = $1::uuid RETURNING id', [b.id])).resolves.toEqual([]);
    await expect(prisma.teamRead(a.id, 'SELECT no_such_column FROM runs', [])).rejects.toThrow();
    // Every pooled connection is back to the connecting role with no team set.
    const after = await Promise.all(
      Array.from({ length: 20 }, () =>
        prisma.system(
          (tx) => tx.$queryRaw<{ u: string; t: string | null }[]>`SELECT current_user AS u, NULLIF(current_setting('mantis.team_id', true), '') AS t`,
        ),
      ),
    );
    for (const [row] of after) expect(row).toEqual({ u: expect.not.stringMatching(/^mantis_app$/), t: null });
    // Inside a scope of the same team it joins that transaction.
    const joined = await prisma.withTeam(a.id, () => prisma.teamRead<{ t: string }>(a.id, "SELECT current_setting('mantis.team_id') AS t", []));
    expect(joined).toEqual([{ t: a.id }]);
  });

  it('teamBatch (pipelined statements in one transaction): scoped like withTeam, all or nothing, the connection comes back clean', async () => {
    const name = `batch-${randomUUID()}`;
    const insert = {
      text: `INSERT INTO workflows (team_id, name, plan, digest) VALUES ($1::uuid, $2, '{"steps":[]}', 'd') RETURNING team_id`,
      values: [a.id, name],
    };
    // Row-level security holds for each statement: b's rows are invisible, a row for b is refused.
    const [seen, inserted] = await prisma.teamBatch(a.id, [{ text: 'SELECT DISTINCT team_id FROM runs', values: [] }, insert]);
    expect(seen).toEqual([{ team_id: a.id }]);
    expect(inserted).toEqual([{ team_id: a.id }]);
    await expect(prisma.teamBatch(a.id, [{ ...insert, values: [b.id, `${name}-b`] }])).rejects.toThrow(/row-level security/);
    // A failing statement takes the statements before and after it down with it.
    const before = { ...insert, values: [a.id, `${name}-before`] };
    const after = { ...insert, values: [a.id, `${name}-after`] };
    await expect(prisma.teamBatch(a.id, [before, { text: 'SELECT no_such_column FROM runs', values: [] }, after])).rejects.toThrow(/no_such_column/);
    expect(await prisma.workflow.count({ where: { name: { startsWith: name } } })).toBe(1);
    const pooled = await Promise.all(
      Array.from({ length: 20 }, () =>
        prisma.system(
          (tx) => tx.$queryRaw<{ u: string; t: string | null }[]>`SELECT current_user AS u, NULLIF(current_setting('mantis.team_id', true), '') AS t`,
        ),
      ),
    );
    for (const [row] of pooled) expect(row).toEqual({ u: expect.not.stringMatching(/^mantis_app$/), t: null });
    // Inside a scope it runs in that transaction, which the scope's failure rolls back.
    await expect(
      prisma.withTeam(a.id, async () => {
        await prisma.teamBatch(a.id, [{ ...insert, values: [a.id, `${name}-joined`] }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await prisma.workflow.count({ where: { name: `${name}-joined` } })).toBe(0);
  });

  it('inside withTeam, queries through the plain client (as repositories make them) join the scoped transaction', async () => {
    const seen = await prisma.withTeam(a.id, () => prisma.workflow.findMany({ select: { teamId: true } }));
    expect(new Set(seen.map((w) => w.teamId))).toEqual(new Set([a.id]));
    const raw = await prisma.withTeam(a.id, () => prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM runs WHERE team_id = ${b.id}::uuid`);
    expect(raw[0].n).toBe(0);
    const batch = await prisma.withTeam(a.id, () => prisma.$transaction([prisma.run.count(), prisma.secret.count({ where: { teamId: b.id } })]));
    expect(batch[1]).toBe(0);
  });

  it('system and another team inside a team scope switch the same transaction, then switch back', async () => {
    const result = await prisma.withTeam(a.id, async () => {
      const everyTeam = await prisma.system(() => prisma.workflow.count());
      const ofB = await prisma.withTeam(b.id, () => prisma.workflow.findMany({ select: { teamId: true } }));
      const again = await prisma.workflow.findMany({ select: { teamId: true } });
      return { everyTeam, ofB, again };
    });
    expect(result.everyTeam).toBeGreaterThanOrEqual(2);
    expect(new Set(result.ofB.map((w) => w.teamId))).toEqual(new Set([b.id]));
    expect(new Set(result.again.map((w) => w.teamId))).toEqual(new Set([a.id]));
  });

  it('a failed statement rolls back the whole scope', async () => {
    await expect(
      prisma.withTeam(a.id, async () => {
        await prisma.workflow.create({ data: { teamId: a.id, name: 'rolled-back', plan: {}, digest: 'd' } });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await prisma.workflow.count({ where: { name: 'rolled-back' } })).toBe(0);
  });

  it('withTeam settings end with the transaction (the pooled connection is clean again)', async () => {
    await prisma.withTeam(a.id, (tx) => tx.workflow.count());
    const after = await prisma.system(
      (tx) => tx.$queryRaw<{ u: string; t: string | null }[]>`SELECT current_user AS u, NULLIF(current_setting('mantis.team_id', true), '') AS t`,
    );
    expect(after[0].u).not.toBe('mantis_app');
    expect(after[0].t).toBeNull();
    expect(await prisma.system((tx) => tx.workflow.count())).toBeGreaterThanOrEqual(2);
  });

  it('audit_events: mantis_app may insert and select, nothing else', async () => {
    await asApp(a.id, async (c) => {
      await c.query(
        `INSERT INTO audit_events (id, ts, team_id, actor_type, action, outcome, prev_hash, hash, details)
        VALUES (gen_random_uuid(), now(), $1, 'system', 'x', 'success', md5(random()::text), md5(random()::text), '{}')`,
        [a.id],
      );
      expect((await c.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n).toBeGreaterThan(0);
      const attempts = [
        `UPDATE audit_events SET action = 'rewritten'`,
        `DELETE FROM audit_events`,
        `TRUNCATE audit_events`,
        `ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`,
        `DROP TRIGGER audit_events_no_truncate ON audit_events`,
        `ALTER TABLE audit_events NO FORCE ROW LEVEL SECURITY`,
        `SET LOCAL session_replication_role = replica`,
      ];
      for (const sql of attempts) {
        await c.query('SAVEPOINT s');
        expect({ sql, msg: await refusal(c.query(sql)) }).toEqual({ sql, msg: expect.stringMatching(/permission denied|must be owner/) });
        await c.query('ROLLBACK TO SAVEPOINT s');
      }
    });
  });
});
