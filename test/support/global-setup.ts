import { migrate, listMigrations } from '../../src/platform/database/migrator.js';
import { adminUrl, templateName, withAdmin } from './database.js';

const TEMPLATE_LOCK = 7270002;
const STALE_SECONDS = 3 * 3600;

/**
 * Migrates once into a template database named after the migrations' checksums
 * (so concurrent test runs share it safely); each test file clones it.
 */
export default async function setup(): Promise<void> {
  const name = templateName(listMigrations().map((m) => m.checksum));
  process.env.MANTIS_TEST_TEMPLATE = name;
  await withAdmin(async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const exists = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount! > 0;
      if (!exists) {
        await c.query(`CREATE DATABASE "${name}_tmp"`).catch(async () => {
          await c.query(`DROP DATABASE "${name}_tmp" WITH (FORCE)`);
          await c.query(`CREATE DATABASE "${name}_tmp"`);
        });
        await migrate(adminUrl(`${name}_tmp`));
        await c.query(`ALTER DATABASE "${name}_tmp" RENAME TO "${name}"`);
      }
      // Databases left by interrupted runs, hours old.
      const { rows } = await c.query(String.raw`SELECT datname FROM pg_database WHERE datname ~ '^mantis_t_[a-z0-9]*_[0-9]+_[0-9a-f]+$'`);
      const now = Math.floor(Date.now() / 1000);
      for (const r of rows) {
        const born = Number(String(r.datname).split('_').at(-2));
        if (now - born > STALE_SECONDS) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  });
}
