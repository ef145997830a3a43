import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { createTeam, createUser } from '../support/factories.js';
import { bootMedium, type MediumApp } from '../support/medium.js';

/**
 * A write that changes who a credential is returns only once every replica
 * holding a key-cache lease has applied it (README "Key cache"), whatever
 * path it takes through the client: a model call, a raw statement, inside a
 * transaction or on its own. A replica here is a row of
 * `mantis_auth_replicas` that never acknowledges: the write must outlast its
 * lease, and a write that changes no credential must not wait for it.
 */
describe('auth changes wait for the replicas', () => {
  let m: MediumApp;
  let prisma: PrismaService;
  let sql: pg.Client;
  let team: { id: string; slug: string };
  let replica: string;

  beforeAll(async () => {
    // No API role: this process holds no lease of its own, so only the test's replica row is waited for.
    m = await bootMedium();
    prisma = m.prisma;
    sql = new pg.Client({ connectionString: m.databaseUrl });
    await sql.connect();
    team = await createTeam(prisma);
  });
  afterAll(async () => {
    await sql?.end();
    await m?.close();
  });

  /** A replica behind the epoch, holding a lease for another 600 ms. */
  beforeEach(async () => {
    await sql.query('DELETE FROM mantis_auth_replicas');
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO mantis_auth_replicas (id, applied_epoch, lease_until) VALUES (gen_random_uuid(), 0, clock_timestamp() + interval '600 milliseconds') RETURNING id::text`,
    );
    replica = rows[0]!.id;
  });

  const leaseOver = async () =>
    (await sql.query<{ over: boolean }>('SELECT lease_until <= now() AS over FROM mantis_auth_replicas WHERE id = $1', [replica])).rows[0]!.over;

  it('a membership created through the model returns after the lease has run out', async () => {
    const user = await prisma.system(() => prisma.user.create({ data: { email: `settle-${Date.now()}@example.com`, name: 'settle' } }));
    expect(await leaseOver()).toBe(false);
    await prisma.system(() => prisma.membership.create({ data: { teamId: team.id, userId: user.id, role: 'viewer' } }), { transaction: false });
    expect(await leaseOver()).toBe(true);
  });

  it('a key revoked by a raw statement inside a transaction returns after the lease has run out', async () => {
    const u = await createUser(prisma, { team, role: 'viewer' });
    await sql.query("UPDATE mantis_auth_replicas SET lease_until = clock_timestamp() + interval '600 milliseconds' WHERE id = $1", [replica]);
    await prisma.system(async (tx) => {
      await tx.$executeRaw`UPDATE api_keys SET revoked_at = now() WHERE id = ${u.keyId}::uuid`;
      // Inside the transaction nothing is waited for: the change is not committed yet.
      expect(await leaseOver()).toBe(false);
    });
    expect(await leaseOver()).toBe(true);
  });

  it('a write to tables that hold no credential does not wait', async () => {
    // A long lease: a wait for it would be plain, however slow the machine.
    await sql.query("UPDATE mantis_auth_replicas SET lease_until = clock_timestamp() + interval '30 seconds' WHERE id = $1", [replica]);
    await prisma.withTeam(team.id, () => prisma.workflow.create({ data: { teamId: team.id, name: `w-${Date.now()}`, plan: {}, digest: 'd' } }));
    await prisma.withTeam(team.id, () => prisma.workflow.updateMany({ where: { teamId: team.id }, data: { name: `w-${Date.now()}` } }));
    expect(await leaseOver()).toBe(false);
  });

  it('a rolled-back change does not wait', async () => {
    const u = await createUser(prisma, { team, role: 'viewer' });
    await sql.query("UPDATE mantis_auth_replicas SET lease_until = clock_timestamp() + interval '30 seconds' WHERE id = $1", [replica]);
    await expect(
      prisma.system(async (tx) => {
        await tx.$executeRaw`UPDATE api_keys SET revoked_at = now() WHERE id = ${u.keyId}::uuid`;
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await leaseOver()).toBe(false);
  });
});
