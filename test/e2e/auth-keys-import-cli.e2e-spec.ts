import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerKeysCommands } from '../../src/cli/commands/keys.command.js';
import { loadConfig } from '../../src/config/app-config.js';
import { hashToken } from '../../src/platform/auth/api-key-format.js';
import { createLogger } from '../../src/platform/http/logger.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { LogCapture } from '../support/app.js';

describe('mantis keys import FILE', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'mantis-cli-keys-'));
  const logs = new LogCapture();
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function cli(...args: string[]): Promise<{ out: string; err: string; code: number }> {
    const out: string[] = [];
    const err: string[] = [];
    const write = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
    process.stderr.write = ((s: string) => err.push(s) > 0) as typeof process.stderr.write;
    process.exitCode = 0;
    try {
      const program = new Command('mantis').exitOverride();
      const config = () => loadConfig({ DATABASE_URL: t.databaseUrl, MANTIS_DATA_DIR: t.dataDir, MANTIS_LOG_LEVEL: 'info' });
      registerKeysCommands(program, { config, logger: () => createLogger('info', logs) });
      await program.parseAsync(['node', 'mantis', ...args]);
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return { out: out.join(''), err: err.join(''), code };
  }

  it('imports the file once: the token works over HTTP and is stored hashed', async () => {
    const path = join(dir, 'keys.yaml');
    const token = 'cli-imported-token-5f1e2d3c4b5a69788796a5b4';
    writeFileSync(path, `tenant_keys:\n  ${token}:\n    tenant_id: umbrella\n    scopes: [status]\n    max_cost_per_run: 3.5\n`);
    const res = await cli('keys', 'import', path);
    expect(res).toMatchObject({ code: 0, out: expect.stringContaining('Imported 1 token(s) for 1 team(s)') });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': token } });
    expect(me.json()).toMatchObject({ teams: [{ team: 'umbrella', role: 'operator' }], scopes: ['status'], auth_method: 'tenant_token' });
    expect((await t.prisma.team.findUniqueOrThrow({ where: { slug: 'umbrella' } })).maxCostPerRun).toBe(3.5);
    expect(await t.prisma.apiKey.count({ where: { keyHash: hashToken(token), source: 'keys_file' } })).toBe(1);
    expect(res.out + res.err + logs.text()).not.toContain(token);
  });

  it('a malformed or missing file is rejected with exit code 1 and changes nothing', async () => {
    const before = await t.prisma.apiKey.count();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ tenant_keys: { 'secret-token-value-123456': { scopes: ['run'] } } }));
    const res = await cli('keys', 'import', bad);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/keys file rejected: entry 1 .*tenant_id/);
    expect(res.err).not.toContain('secret-token-value-123456');
    expect((await cli('keys', 'import', join(dir, 'missing.json'))).err).toContain('file not found');
    expect(await t.prisma.apiKey.count()).toBe(before);
  });
});
