import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInit } from '../../src/cli/commands/init.command.js';
import { runKeysImport } from '../../src/cli/commands/keys.command.js';
import { loadConfig } from '../../src/config/app-config.js';
import { TenantKeysService } from '../../src/modules/tenant-keys/tenant-keys.service.js';
import { createLogger } from '../../src/platform/http/logger.js';
import { buildTestApp, LogCapture, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';
import { TEST_MASTER_KEY } from '../support/master-key.js';

const big = (_: string, v: unknown) => (typeof v === 'bigint' ? String(v) : v);

/** Success events are written in the change's own transaction; changes without a request get `system` events. */
describe('audit events in the change’s transaction', () => {
  let t: TestApp;
  let team: TeamFixture;
  let owner: UserFixture;
  const sql = async (text: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: t.databaseUrl });
    await c.connect();
    try {
      return await c.query(text, params);
    } finally {
      await c.end();
    }
  };
  const putSecret = (name: string, tm = team, key = owner.key) =>
    t.app.inject({ method: 'PUT', url: `/api/v1/teams/${tm.slug}/secrets/${name}`, headers: { 'x-mantis-token': key }, payload: { value: 'v' } });

  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.prisma);
    owner = await createUser(t.prisma, { team, role: 'team_owner' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an event whose insert fails rolls the change back (the caller gets the error)', async () => {
    await sql(`ALTER TABLE audit_events ADD CONSTRAINT test_refuse_event CHECK (target_id IS DISTINCT FROM 'refused-event') NOT VALID`);
    try {
      const res = await putSecret('refused-event');
      expect(res.statusCode).toBe(500);
      expect(await t.prisma.secret.count({ where: { teamId: team.id, name: 'refused-event' } })).toBe(0);
      expect(await t.prisma.auditEvent.count({ where: { targetId: 'refused-event', outcome: 'success' } })).toBe(0);
    } finally {
      await sql('ALTER TABLE audit_events DROP CONSTRAINT test_refuse_event');
    }
    expect((await putSecret('accepted-event')).statusCode).toBeLessThan(300);
    expect(await t.prisma.auditEvent.count({ where: { targetId: 'accepted-event', outcome: 'success' } })).toBe(1);
  });

  it('a change whose transaction rolls back leaves no success event, and none of its earlier writes', async () => {
    const fresh = await createTeam(t.prisma);
    const freshOwner = await createUser(t.prisma, { team: fresh, role: 'team_owner' });
    // The vault stores the team's first data key, then the secret; the secret insert is made to fail.
    await sql(`ALTER TABLE secrets ADD CONSTRAINT test_refuse_secret CHECK (name <> 'fails-late') NOT VALID`);
    try {
      const res = await putSecret('fails-late', fresh, freshOwner.key);
      expect(res.statusCode).toBe(500);
    } finally {
      await sql('ALTER TABLE secrets DROP CONSTRAINT test_refuse_secret');
    }
    expect(await t.prisma.teamKey.count({ where: { teamId: fresh.id } })).toBe(0);
    const events = await t.prisma.auditEvent.findMany({ where: { teamId: fresh.id, targetId: 'fails-late' } });
    expect(events.map((e) => e.outcome)).toEqual(['error']);
  });

  it('a keys-file import and a removal write system events in each team’s chain, naming tokens by prefix only', async () => {
    const token = `tok-${randomBytes(12).toString('hex')}`;
    const slug = `kf-${randomBytes(3).toString('hex')}`;
    const keys = t.app.get(TenantKeysService);
    const file = `tenant_keys:\n  ${token}:\n    tenant_id: ${slug}\n`;
    expect((await keys.importText(file)).ok).toBe(true);
    const teamId = (await t.prisma.team.findUniqueOrThrow({ where: { slug } })).id;
    const imported = await t.prisma.auditEvent.findMany({ where: { teamId }, orderBy: { seq: 'asc' } });
    expect(imported).toMatchObject([
      { actorType: 'system', action: 'api_key.import', targetType: 'api_key', targetId: expect.stringMatching(/^tt_[0-9a-f]{6}$/), outcome: 'success' },
    ]);
    expect((await keys.importText(file)).ok).toBe(true); // unchanged: nothing new to record
    expect(await t.prisma.auditEvent.count({ where: { teamId } })).toBe(1);
    expect((await keys.importText('tenant_keys: {}\n')).ok).toBe(true);
    const all = await t.prisma.auditEvent.findMany({ where: { teamId }, orderBy: { seq: 'asc' } });
    expect(all.map((e) => e.action)).toEqual(['api_key.import', 'api_key.revoke']);
    expect(JSON.stringify(all, big)).not.toContain(token);
    const verify = await t.app.inject({
      method: 'GET',
      url: `/api/v1/teams/${slug}/audit-events/verify`,
      headers: { 'x-mantis-token': (await createUser(t.prisma, { admin: true })).key },
    });
    expect(verify.json()).toMatchObject({ ok: true, checked: 2 });
  });

  it('`mantis keys import` and `mantis init` write system events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mantis-sys-'));
    const config = loadConfig({
      DATABASE_URL: t.databaseUrl,
      MANTIS_DATA_DIR: dir,
      MANTIS_MASTER_KEY: TEST_MASTER_KEY,
      MANTIS_LOG_LEVEL: 'silent',
      MANTIS_CONFIG: undefined,
    });
    const logger = createLogger('silent', new LogCapture());
    const slug = `cli-${randomBytes(3).toString('hex')}`;
    const path = join(dir, 'keys.yaml');
    writeFileSync(path, `tenant_keys:\n  tok-${randomBytes(12).toString('hex')}:\n    tenant_id: ${slug}\n`);
    await runKeysImport(config, logger, path);
    const teamId = (await t.prisma.team.findUniqueOrThrow({ where: { slug } })).id;
    expect(await t.prisma.auditEvent.findMany({ where: { teamId } })).toMatchObject([
      { actorType: 'system', action: 'api_key.import', details: { origin: 'cli' } },
    ]);

    const email = `boss-${randomBytes(3).toString('hex')}@example.com`;
    await t.prisma.user.updateMany({ where: { isAdmin: true }, data: { isAdmin: false } }); // init only acts on a database without an admin
    const init = await runInit(config, logger, email);
    expect(init.created).toBe(true);
    const events = await t.prisma.auditEvent.findMany({ where: { action: 'system.init' } });
    expect(events).toMatchObject([{ teamId: null, actorType: 'system', targetType: 'user', targetId: email, outcome: 'success' }]);
    expect(JSON.stringify(events, big)).not.toContain(init.key!);
  });
});
