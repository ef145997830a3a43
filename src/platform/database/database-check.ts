import pg from 'pg';

/** The database does not answer, or refuses us; the message says what to do. */
export class DatabaseUnreachableError extends Error {}

/** Where a URL points, without its password. */
export function databaseTarget(url: string): { host: string; port: string; database: string; user: string } {
  const u = new URL(url);
  return {
    host: u.hostname || 'localhost',
    port: u.port || '5432',
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    user: decodeURIComponent(u.username),
  };
}

function codeOf(e: unknown): string | undefined {
  const err = e as { code?: unknown; errors?: unknown[] };
  if (typeof err?.code === 'string') return err.code;
  return Array.isArray(err?.errors) && err.errors.length ? codeOf(err.errors[0]) : undefined;
}

/**
 * What went wrong with a failed connection, and what to do. `embedded`: the
 * database is Mantis's own (no DATABASE_URL), so the fix is about that.
 */
export function databaseProblem(e: unknown, url: string, embedded = false): { what: string; fix: string } {
  const t = databaseTarget(url);
  const at = `${t.host}:${t.port}`;
  const fix = embedded ? 'restart `mantis start` (or run `mantis doctor` for the cause)' : 'check DATABASE_URL and that PostgreSQL is running there';
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  switch (codeOf(e)) {
    case 'ECONNREFUSED':
      return { what: `cannot connect to the database at ${at} (connection refused)`, fix };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { what: `cannot resolve the database host ${t.host}`, fix: 'check the host in DATABASE_URL' };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { what: `the database at ${at} is unreachable (${codeOf(e)})`, fix: 'check DATABASE_URL, the network and any firewall' };
    case '28P01':
      return { what: `the database at ${at} refused the password of user ${t.user}`, fix: 'check the user and password in DATABASE_URL' };
    case '28000':
      return { what: `the database at ${at} refused user ${t.user} (${message})`, fix: 'allow it in pg_hba.conf or fix DATABASE_URL' };
    case '3D000':
      return { what: `database ${t.database} does not exist on ${at}`, fix: `create it (\`createdb ${t.database}\`) or fix DATABASE_URL` };
    default:
      return { what: /timeout/i.test(message) ? `the database at ${at} did not answer in time` : `the database at ${at} failed: ${message}`, fix };
  }
}

/** Connects and runs `SELECT 1`; throws DatabaseUnreachableError saying what to do. */
export async function probeDatabase(url: string, opts: { embedded?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: opts.timeoutMs ?? 10_000 });
  client.on('error', () => undefined); // a dropped connection after the probe is not our concern
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    const { what, fix } = databaseProblem(e, url, opts.embedded);
    throw new DatabaseUnreachableError(`${what}; ${fix}`, { cause: e });
  } finally {
    await client.end().catch(() => undefined);
  }
}
