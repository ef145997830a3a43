import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import {
  checkChromiumLaunch,
  checkDataDir,
  checkFfmpegRuns,
  checkOidc,
  checkRedis,
  fail,
  ok,
  skip,
  type CheckResult,
} from '../../modules/health/deployment-checks.js';
import { SystemSettingsRepository, verifyMasterKey } from '../../modules/secrets/master-key-verify.js';
import { databaseProblem, databaseTarget } from '../../platform/database/database-check.js';
import type { EmbeddedDatabase } from '../../platform/database/embedded-postgres.js';
import { pendingMigrations } from '../../platform/database/migrator.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { EXIT } from '../cli-failure.js';

const LABEL: Record<CheckResult['status'], string> = { ok: 'ok  ', fail: 'FAIL', skip: 'skip' };

function print(r: CheckResult): CheckResult {
  process.stdout.write(`${LABEL[r.status]}  ${r.name}: ${r.detail}${r.fix ? `; ${r.fix}` : ''}\n`);
  return r;
}

/** The embedded database to check: a running server's, else one started for the check; none before the first start. */
async function openDatabase(config: AppConfig, logger: Logger): Promise<{ url?: string; embedded?: EmbeddedDatabase; result?: CheckResult }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const dir = join(config.dataDir, 'postgres', 'data');
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    return { result: skip('database', `the embedded PostgreSQL is not created yet (${dir}); \`mantis start\` or \`mantis init\` creates it`) };
  }
  try {
    const { openEmbeddedDatabase } = await import('../../platform/database/embedded-database.js');
    const embedded = await openEmbeddedDatabase(config.dataDir, logger, { role: 'cli', command: 'doctor', waitMs: 15_000 });
    return { url: embedded.url, embedded };
  } catch (e) {
    return {
      result: fail(
        'database',
        `the embedded PostgreSQL under ${dir} does not start: ${(e as Error).message ?? String(e)}`,
        'see `mantis doctor --verbose`, or move that directory aside to start afresh',
      ),
    };
  }
}

async function databaseChecks(url: string, embedded: EmbeddedDatabase | undefined): Promise<CheckResult[]> {
  const t = databaseTarget(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    const { what, fix } = databaseProblem(e, url, !!embedded);
    await client.end().catch(() => undefined);
    return [print(fail('database', what, fix)), print(skip('migrations', 'not checked: no database'))];
  }
  try {
    const where = embedded?.sharedWith
      ? `the embedded PostgreSQL of the running mantis ${embedded.sharedWith.command} (pid ${embedded.sharedWith.pid})`
      : embedded
        ? 'the embedded PostgreSQL'
        : `${t.host}:${t.port}/${t.database}`;
    const results = [print(ok('database', `${where} answers`))];
    const pending = await pendingMigrations(async (sql) => (await client.query(sql)).rows);
    results.push(
      print(
        pending.length === 0
          ? ok('migrations', 'all applied')
          : fail(
              'migrations',
              `${pending.length} pending (${pending.join(', ')})`,
              'run `mantis migrate` (servers apply them at start unless MANTIS_AUTO_MIGRATE=false)',
            ),
      ),
    );
    return results;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function masterKeyCheck(config: AppConfig, url: string | undefined, reachable: boolean): Promise<CheckResult> {
  const prisma = url && reachable ? new PrismaService(url) : undefined;
  try {
    const verdict = await verifyMasterKey(config, prisma ? new SystemSettingsRepository(prisma) : null, true);
    return verdict.ok ? ok('master key', verdict.detail) : fail('master key', verdict.detail, verdict.fix);
  } catch (e) {
    return fail(
      'master key',
      `could not compare it with the database: ${(e as Error).message.split('\n')[0]}`,
      'run `mantis migrate`, then `mantis doctor` again',
    );
  } finally {
    await prisma?.$disconnect();
  }
}

/**
 * `mantis doctor`: one line per check, each failure with what to do. Exit
 * code 0 when nothing failed, 1 otherwise.
 */
export async function runDoctor(config: AppConfig, logger: Logger): Promise<number> {
  const results: CheckResult[] = [print(checkDataDir(config))];
  const db = await openDatabase(config, logger);
  try {
    if (db.result) results.push(print(db.result), print(skip('migrations', 'not checked: no database')));
    const dbResults = db.url ? await databaseChecks(db.url, db.embedded) : [];
    results.push(...dbResults);
    const reachable = dbResults[0]?.status === 'ok';
    results.push(print(await masterKeyCheck(config, db.url, reachable)));
  } finally {
    await db.embedded?.stop();
  }
  results.push(print(await checkRedis(config)));
  results.push(print(await checkChromiumLaunch(config)));
  results.push(print(await checkFfmpegRuns(config)));
  results.push(print(await checkOidc(config)));
  const failed = results.filter((r) => r.status === 'fail').length;
  process.stdout.write(failed ? `${failed} check${failed > 1 ? 's' : ''} failed.\n` : 'All checks passed.\n');
  return failed ? EXIT.failed : EXIT.ok;
}
