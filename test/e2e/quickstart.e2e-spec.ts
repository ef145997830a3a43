import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCheckout, freePort, quickStartCommands, runShell, shell, type Shell } from '../support/quickstart.js';

/**
 * The README's quick start, step by step as a new user runs it, in a copy of
 * the checkout with no Mantis configuration. The commands are read from the
 * README: when it changes, this test runs the new text (and fails on a step
 * it does not know how to follow). Two deviations, both forced by a shared
 * machine: `npm ci` is replaced by linking this checkout's node_modules, and
 * the ports 8080 and 8000 are replaced by free ones (PORT is the only
 * variable the server gets).
 */
type Kind = 'start' | 'init' | 'export-key' | 'curl-me' | 'restart' | 'serve-page' | 'run';

function kindOf(cmd: string): Kind {
  if (cmd.startsWith('npm ci && npm start')) return 'start';
  if (/^npm run mantis -- init\b/.test(cmd)) return 'init';
  if (/^export MANTIS_API_KEY=mk_…$/.test(cmd)) return 'export-key';
  if (/^curl .*\/api\/v1\/me$/.test(cmd)) return 'curl-me';
  if (/^MANTIS_BROWSER_PRIVATE_RANGES=\S+ npm start$/.test(cmd)) return 'restart';
  if (/^node -e .*\.listen\(8000\)\)?" &$/.test(cmd)) return 'serve-page';
  if (/^curl -X POST .*\/v1\/predict /.test(cmd)) return 'run';
  throw new Error(`the README quick start has a step this test does not follow: ${cmd}`);
}

describe('the README quick start, followed literally', () => {
  const steps = quickStartCommands(readFileSync('README.md', 'utf8')).map((command) => ({ command, kind: kindOf(command) }));
  const step = (kind: Kind) => steps.find((s) => s.kind === kind)!.command;
  let clone: string;
  let apiPort: number;
  let pagePort: number;
  let env: Record<string, string>;
  let server: Shell | undefined;
  let page: Shell | undefined;
  let key: string;
  const local = (cmd: string) => cmd.replaceAll('8080', String(apiPort)).replaceAll('8000', String(pagePort));

  beforeAll(async () => {
    clone = copyCheckout();
    [apiPort, pagePort] = [await freePort(), await freePort()];
    const home = join(clone, '.home');
    mkdirSync(home);
    env = { PATH: process.env.PATH!, HOME: home, npm_config_update_notifier: 'false' };
  });
  afterAll(async () => {
    page?.signal('SIGTERM');
    if (server && server.child.exitCode === null) {
      server.signal('SIGINT');
      await server.exited;
    }
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('has the steps this test follows, in this order', () => {
    expect(steps.map((s) => s.kind)).toEqual(['start', 'init', 'export-key', 'curl-me', 'restart', 'serve-page', 'run']);
  });

  it('npm start serves, and its log says how to create the first admin and where the console and /docs are', async () => {
    const command = step('start').replace(/^npm ci && /, '');
    server = shell(command, clone, { ...env, PORT: String(apiPort) });
    await server.waitFor(/"msg":"mantis listening"/);
    const hint = await server.waitFor(/"msg":"no admin yet: [^\n]*/);
    expect(hint[0]).toContain(`\`${step('init')}\``);
    expect(hint[0]).toContain(`http://localhost:${apiPort}/docs`);
    expect(hint[0]).toContain(`http://localhost:${apiPort}/console`);
    expect(existsSync(join(clone, '.mantis', 'postgres', 'data', 'PG_VERSION'))).toBe(true);
  }, 120_000);

  it('mantis init, while the server runs, prints the admin key once', async () => {
    const init = await runShell(step('init'), clone, env);
    expect(init.code, init.output).toBe(0);
    const keys = [...init.stdout.matchAll(/^API Key: (mk_[0-9a-f]{64})$/gm)].map((m) => m[1]);
    expect(keys).toHaveLength(1);
    key = keys[0];
    expect(init.output).not.toMatch(/TypeError|Error:/);
  }, 60_000);

  it('GET /api/v1/me answers for that key', async () => {
    expect(step('export-key')).toMatch(/^export MANTIS_API_KEY=/);
    env = { ...env, MANTIS_API_KEY: key };
    const me = await runShell(local(step('curl-me')), clone, env);
    expect(me.code, me.output).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ kind: 'user', email: 'you@example.com', admin: true, teams: [{ team: 'default', role: 'team_owner' }] });
  });

  it('a run may not open a page on this machine until the server is restarted with loopback allowed', async () => {
    const refused = await runShell(local(step('run')), clone, env);
    expect(refused.code, refused.output).toBe(0);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'destination_not_allowed' } });
    server!.signal('SIGINT');
    await server!.exited;
    server = shell(step('restart'), clone, { ...env, PORT: String(apiPort) });
    await server.waitFor(/"msg":"mantis listening"/);
  }, 120_000);

  it('the example run opens the local page and extracts its heading', async () => {
    page = shell(local(step('serve-page')).replace(/\s*&$/, ''), clone, env);
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${pagePort}/`).catch(() => null))?.status, { interval: 50, timeout: 10_000 }).toBe(200);
    const run = await runShell(local(step('run')), clone, env);
    expect(run.code, run.output).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body, run.stdout).toMatchObject({ status: 'succeeded', tenant_id: 'default', result: { extracted: { heading: 'Hello, Mantis' } } });
  }, 60_000);

  // The console is built with the server into dist/console; until that build exists in this tree there is nothing to serve.
  it('/console answers', async (ctx) => {
    if (!existsSync(join(clone, 'dist', 'console', 'index.html'))) ctx.skip();
    const res = await fetch(`http://127.0.0.1:${apiPort}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('Ctrl-C stops the server and its database, and frees the data directory', async () => {
    const running = server!;
    running.signal('SIGINT');
    await running.exited;
    expect(running.output()).toMatch(/"msg":"shutting down"/);
    expect(running.output()).not.toMatch(/shutdown failed|timed out/);
    expect(existsSync(join(clone, '.mantis', 'postgres', 'owner.json'))).toBe(false);
    expect(existsSync(join(clone, '.mantis', 'postgres', 'data', 'postmaster.pid'))).toBe(false);
  }, 60_000);
});
