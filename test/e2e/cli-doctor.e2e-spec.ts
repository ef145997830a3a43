import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/database.js';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer.js';

const CHECKS = ['data directory', 'database', 'migrations', 'master key', 'redis', 'chromium', 'ffmpeg', 'oidc'];

/** `mantis doctor`'s lines as { status, name, text }, in order. */
function report(stdout: string) {
  return stdout
    .split('\n')
    .map((l) => /^(ok {2}|FAIL|skip) {2}([a-z ]+): (.+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ status: m[1].trim(), name: m[2], text: m[3] }));
}

describe('mantis doctor', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let issuer: TestIssuer;
  const keyA = randomBytes(32).toString('base64');
  const keyB = randomBytes(32).toString('base64');
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('doctor');
    issuer = await startOidcIssuer();
    env = {
      DATABASE_URL: db.url,
      MANTIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'mantis-doctor-')),
      REDIS_URL: 'redis://127.0.0.1:6379',
      MANTIS_AUTH_OIDC_ISSUER_URL: issuer.issuer,
      MANTIS_AUTH_OIDC_AUDIENCE: issuer.audience,
    };
    // A server booted once with key A records that key's fingerprint in the database.
    const server = await buildTestApp({ databaseUrl: db.url, env: { MANTIS_MASTER_KEY: keyA } });
    await server.app.close();
    await server.prisma.$disconnect();
  });
  afterAll(async () => {
    await issuer?.close();
    await db?.drop();
  });

  it('passes every check of a healthy deployment, one line each, exit 0', async () => {
    const res = await runCli(['doctor'], { ...env, MANTIS_MASTER_KEY: keyA }, 120_000);
    const lines = report(res.stdout);
    expect(lines.map((l) => l.name)).toEqual(CHECKS);
    expect(
      lines.filter((l) => l.status !== 'ok'),
      res.stdout,
    ).toEqual([]);
    expect(lines.find((l) => l.name === 'master key')!.text).toMatch(/^MANTIS_MASTER_KEY matches the database \(fingerprint [0-9a-f]{16}\)$/);
    expect(res.stdout).toMatch(/All checks passed\.\n$/);
    expect(res.code).toBe(0);
  }, 120_000);

  it('README "Troubleshooting" explains every check', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Troubleshooting'), readme.indexOf('## Development'));
    for (const name of CHECKS) expect(section, name).toMatch(new RegExp(`^\\| ${name} \\|`, 'm'));
  });

  it('a master key other than the one the database was set up with fails, with what to do', async () => {
    const res = await runCli(['doctor'], { ...env, MANTIS_MASTER_KEY: keyB }, 120_000);
    expect(res.code).toBe(1);
    const failed = report(res.stdout).filter((l) => l.status === 'FAIL');
    expect(failed.map((l) => l.name)).toEqual(['master key']);
    expect(failed[0].text).toMatch(
      /^MANTIS_MASTER_KEY \(fingerprint [0-9a-f]{16}\) is not the key this database was set up with \([0-9a-f]{16}\); set MANTIS_MASTER_KEY to the key this database was set up with/,
    );
    expect(res.stdout).not.toContain(keyA);
    expect(res.stdout).not.toContain(keyB);
    expect(res.stdout).toMatch(/1 check failed\.\n$/);
  }, 120_000);

  it('names each broken dependency with its fix: no Chromium, no ffmpeg, no master key, database, Redis and issuer down, data directory unwritable', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mantis-doctor-file-')), 'not-a-dir');
    writeFileSync(file, '');
    const res = await runCli(
      ['doctor'],
      {
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/mantis',
        MANTIS_DATA_DIR: join(file, 'data'),
        MANTIS_MASTER_KEY: '', // unset (an empty value is no key)
        MANTIS_CHROMIUM_PATH: '/nonexistent/chromium',
        MANTIS_FFMPEG_PATH: '/nonexistent/ffmpeg',
        REDIS_URL: 'redis://127.0.0.1:1',
        MANTIS_AUTH_OIDC_ISSUER_URL: 'http://127.0.0.1:1/issuer',
        MANTIS_AUTH_OIDC_AUDIENCE: 'api',
      },
      120_000,
    );
    expect(res.code).toBe(1);
    const byName = Object.fromEntries(report(res.stdout).map((l) => [l.name, l]));
    expect(Object.keys(byName)).toEqual(CHECKS);
    expect(byName['data directory']).toMatchObject({ status: 'FAIL', text: expect.stringMatching(/is not writable \(ENOTDIR\); .*MANTIS_DATA_DIR/) });
    expect(byName.database).toMatchObject({
      status: 'FAIL',
      text: 'cannot connect to the database at 127.0.0.1:1 (connection refused); check DATABASE_URL and that PostgreSQL is running there',
    });
    expect(byName.migrations.status).toBe('skip');
    expect(byName['master key']).toMatchObject({
      status: 'FAIL',
      text: expect.stringMatching(/^MANTIS_MASTER_KEY is not set; with DATABASE_URL every process must share one key: set MANTIS_MASTER_KEY/),
    });
    expect(byName.redis).toMatchObject({ status: 'FAIL', text: expect.stringMatching(/^127\.0\.0\.1:1 does not answer .*; check REDIS_URL/) });
    expect(byName.chromium).toMatchObject({
      status: 'FAIL',
      text: '/nonexistent/chromium not found; install Chromium (`apt-get install chromium`) or set MANTIS_CHROMIUM_PATH to its executable',
    });
    expect(byName.ffmpeg).toMatchObject({ status: 'FAIL', text: expect.stringMatching(/^\/nonexistent\/ffmpeg not found; .*MANTIS_FFMPEG_PATH/) });
    expect(byName.oidc).toMatchObject({
      status: 'FAIL',
      text: expect.stringMatching(/openid-configuration is unreachable .*; check MANTIS_AUTH_OIDC_ISSUER_URL/),
    });
    expect(res.stdout).toMatch(/7 checks failed\.\n$/);
  }, 120_000);
});
