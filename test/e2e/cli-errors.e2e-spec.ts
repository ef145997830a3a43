import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/database.js';

/** Every failure is one line, `mantis: <what went wrong>; <what to do>`, with its exit code (README "CLI"). */
describe('CLI failures', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mantis-clierr-'));
  const oneLine = (stderr: string) => {
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^mantis: [^;\n]+; [^\n]+\n$/);
    expect(stderr).not.toMatch(/TypeError|\bat .+:\d+:\d+/);
  };

  it('database down: one line naming the database and what to check, exit 1; --verbose adds the stack', async () => {
    const env = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/mantis', MANTIS_DATA_DIR: dataDir };
    const res = await runCli(['init'], env);
    expect(res.code).toBe(1);
    oneLine(res.stderr);
    expect(res.stderr).toBe(
      'mantis: cannot connect to the database at 127.0.0.1:1 (connection refused); check DATABASE_URL and that PostgreSQL is running there\n',
    );
    const verbose = await runCli(['init', '--verbose'], env);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr.split('\n')[0]).toBe(res.stderr.trim());
    expect(verbose.stderr).toMatch(/\n\s+at .+database-check\.js:\d+:\d+/);
    expect(verbose.stderr).toMatch(/caused by: Error: connect ECONNREFUSED 127\.0\.0\.1:1/);
  });

  it('usage and configuration errors: one line, exit 2', async () => {
    for (const args of [['nope'], ['init', '--bogus'], ['keys', 'import']]) {
      const res = await runCli(args, { MANTIS_DATA_DIR: dataDir });
      expect(res.code, args.join(' ')).toBe(2);
      oneLine(res.stderr);
    }
    const bad = await runCli(['migrate'], { DATABASE_URL: 'mysql://nope', MANTIS_DATA_DIR: dataDir });
    expect(bad.code).toBe(2);
    oneLine(bad.stderr);
    expect(bad.stderr).toMatch(/^mantis: invalid configuration: DATABASE_URL: must be a postgresql:\/\/ URL; correct it/);
  });

  describe('with a database', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let taken: Server;
    let port: number;
    beforeAll(async () => {
      db = await createTestDatabase('clierr');
      taken = createServer();
      await new Promise<void>((r) => taken.listen(0, '0.0.0.0', r));
      port = (taken.address() as { port: number }).port;
    });
    afterAll(async () => {
      taken?.close();
      await db?.drop();
    });

    it('a port in use: one line saying which and what to do, exit 1', async () => {
      const res = await runCli(['serve'], { DATABASE_URL: db.url, MANTIS_DATA_DIR: dataDir, PORT: String(port), MANTIS_LOG_LEVEL: 'silent' });
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(`mantis: port ${port} is already in use; stop the process using it, or set PORT to another port\n`);
    }, 60_000);
  });
});
