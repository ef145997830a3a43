import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startServer } from '../support/cli.js';

/** One embedded PostgreSQL per data directory: CLI commands share a running server's, a second server is refused. */
describe('the embedded database of a data directory', () => {
  it('a second mantis start is refused in one line; after a crash, init and start work again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mantis-datadir-'));
    const env = { MANTIS_DATA_DIR: dataDir };
    const first = await startServer(['start'], env, 120_000);
    let second: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      const refused = await runCli(['start'], { ...env, PORT: '0' });
      expect(refused.code).toBe(3);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toBe(
        `mantis: the data directory ${dataDir} is in use by \`mantis start\` (pid ${first.child.pid}); stop that process first, or set MANTIS_DATA_DIR to another directory\n`,
      );

      // A crash leaves the owner file and an orphaned PostgreSQL behind; both are recognised as stale.
      first.child.kill('SIGKILL');
      await first.stop();
      expect(existsSync(join(dataDir, 'postgres', 'owner.json'))).toBe(true);
      const init = await runCli(['init', '--admin-email', 'ops@example.com'], env);
      expect(init.code, init.stderr).toBe(0);
      const key = /^API Key: (mk_[0-9a-f]{64})$/m.exec(init.stdout)?.[1];
      expect(key).toBeDefined();
      expect(existsSync(join(dataDir, 'postgres', 'owner.json'))).toBe(false);

      second = await startServer(['serve'], env, 120_000);
      const me = await fetch(`${second.url}/api/v1/me`, { headers: { 'x-mantis-token': key! } });
      expect(me.status).toBe(200);
      expect(second.output()).not.toMatch(/no admin yet/);
      expect(await second.stop('SIGTERM')).toBe(0);
      expect(existsSync(join(dataDir, 'postgres', 'owner.json'))).toBe(false);
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) await first.stop();
      if (second && second.child.exitCode === null) await second.stop();
    }
  }, 240_000);

  it('a PostgreSQL that does not start is one line saying so (the library gives no reason of its own)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mantis-badpg-'));
    const env = { MANTIS_DATA_DIR: dataDir };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    appendFileSync(join(dataDir, 'postgres', 'data', 'postgresql.conf'), '\nshared_buffers = lots\n');
    const res = await runCli(['init'], env);
    expect(res.code).toBe(1);
    const lines = res.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('{'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^mantis: the embedded PostgreSQL under ${dataDir}/postgres/data did not start: .+; fix what it names, or move ${dataDir}/postgres aside`),
    );
    expect(res.stderr).not.toMatch(/TypeError|undefined/);
    expect(readFileSync(join(dataDir, 'postgres', 'data', 'postgresql.conf'), 'utf8')).toContain('lots');
  }, 120_000);
});
