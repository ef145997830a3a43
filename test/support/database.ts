import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server used by the tests: TEST_DATABASE_URL, else the machine's PostgreSQL on 127.0.0.1:5432. */
export function adminUrl(database = 'postgres'): string {
  const base = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

export function templateName(checksums: string[]): string {
  return `mantis_tpl_${createHash('sha256').update(checksums.join(',')).digest('hex').slice(0, 16)}`;
}

/** Set by the global setup (and inherited by the test workers). */
function templateDb(): string {
  const name = process.env.MANTIS_TEST_TEMPLATE;
  if (!name) throw new Error('MANTIS_TEST_TEMPLATE is not set: run the tests through vitest (global setup)');
  return name;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A fresh database cloned from the migrated template: one per test file. */
export async function createTestDatabase(label = 'e2e'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const tag = label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20);
  const name = `mantis_t_${tag}_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDb()}"`));
  return {
    url: adminUrl(name),
    name,
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

export { withAdmin };
