import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

/**
 * A real request's statements run as mantis_app with the request's team set:
 * a probe trigger (installed by the test as superuser) records who wrote a row.
 */
describe('requests run under row-level security', () => {
  let t: TestApp;
  let team: TeamFixture;
  let owner: UserFixture;
  let admin: UserFixture;
  const sql = async (text: string) => {
    const c = new pg.Client({ connectionString: t.databaseUrl });
    await c.connect();
    try {
      return await c.query(text);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.prisma);
    owner = await createUser(t.prisma, { team, role: 'team_owner' });
    admin = await createUser(t.prisma, { admin: true });
    await sql(`
      CREATE TABLE rls_probe (tbl text, who text, team text);
      GRANT INSERT ON rls_probe TO mantis_app;
      CREATE FUNCTION rls_probe() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO rls_probe VALUES (TG_TABLE_NAME, current_user, NULLIF(current_setting('mantis.team_id', true), ''));
        RETURN NEW;
      END $$;
      CREATE TRIGGER rls_probe AFTER INSERT ON secrets FOR EACH ROW EXECUTE FUNCTION rls_probe();
      CREATE TRIGGER rls_probe AFTER INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION rls_probe();
      CREATE TRIGGER rls_probe AFTER INSERT ON teams FOR EACH ROW EXECUTE FUNCTION rls_probe();`);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a team route writes its change and its event as mantis_app in its own team', async () => {
    await sql('TRUNCATE rls_probe');
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/teams/${team.slug}/secrets/probe`,
      headers: { 'x-mantis-token': owner.key },
      payload: { value: 'v' },
    });
    expect(res.statusCode).toBeLessThan(300);
    const { rows } = await sql('SELECT tbl, who, team FROM rls_probe ORDER BY tbl');
    expect(rows).toEqual([
      { tbl: 'audit_events', who: 'mantis_app', team: team.id },
      { tbl: 'secrets', who: 'mantis_app', team: team.id },
    ]);
  });

  it('a change outside any team (creating a team) goes through the system path, never mantis_app without a team', async () => {
    await sql('TRUNCATE rls_probe');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: { 'x-mantis-token': admin.key }, payload: { name: 'Probe Team' } });
    expect(res.statusCode).toBe(201);
    const { rows } = await sql('SELECT tbl, who, team FROM rls_probe ORDER BY tbl');
    expect(rows.map((r) => r.tbl)).toEqual(['audit_events', 'teams']);
    for (const r of rows)
      expect({ who: r.who === 'mantis_app' ? 'mantis_app' : 'connecting role', team: r.team }).toEqual({ who: 'connecting role', team: null });
  });
});
