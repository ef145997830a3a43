import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/platform/database/migrator.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { adminUrl, withAdmin } from '../support/database.js';

/**
 * Production shape (docker/postgres-init.sql): Mantis logs in as a role that
 * is not a superuser, owns the schema, has BYPASSRLS for the system path and
 * may SET ROLE mantis_app. Migrations and both paths must work as it.
 */
describe('a non-superuser login role', () => {
  const tag = randomBytes(4).toString('hex');
  const role = `mantis_login_${tag}`;
  const database = `mantis_t_role_${Math.floor(Date.now() / 1000)}_${tag}`;
  let url: string;
  let prisma: PrismaService;

  beforeAll(async () => {
    await withAdmin(async (c) => {
      await c.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS`);
      await c.query(`CREATE DATABASE ${database} OWNER ${role}`);
      // mantis_app exists on this server already (the template's migrations made it); a fresh server's init script makes it.
      await c.query(`GRANT mantis_app TO ${role}`);
    });
    const owner = new pg.Client({ connectionString: adminUrl(database) });
    await owner.connect();
    await owner.query(`ALTER SCHEMA public OWNER TO ${role}`);
    await owner.end();
    const u = new URL(adminUrl(database));
    u.username = role;
    url = u.toString();
    await migrate(url);
    prisma = new PrismaService(url);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await withAdmin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${role}`);
    });
  });

  it('migrates, and keeps teams apart in withTeam while the system path spans them', async () => {
    const [me] = await prisma.$queryRaw<{ su: boolean }[]>`SELECT rolsuper AS su FROM pg_roles WHERE rolname = current_user`;
    expect(me.su).toBe(false);
    const a = await prisma.team.create({ data: { slug: `a-${tag}`, name: 'A' } });
    const b = await prisma.team.create({ data: { slug: `b-${tag}`, name: 'B' } });
    for (const t of [a, b]) await prisma.system(() => prisma.workflow.create({ data: { teamId: t.id, name: 'w', plan: {}, digest: 'd' } }));
    const seen = await prisma.withTeam(a.id, () => prisma.workflow.findMany({ select: { teamId: true } }));
    expect(seen.map((w) => w.teamId)).toEqual([a.id]);
    expect(await prisma.system(() => prisma.workflow.count())).toBe(2);
    await expect(prisma.withTeam(a.id, () => prisma.$executeRaw`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(/permission denied/);
  });
});
