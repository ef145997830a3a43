import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { CLI_ENTRY, runCli } from '../support/cli.js';
import { createTeam, createUser } from '../support/factories.js';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer.js';

/**
 * A minimal browser: follows redirects, keeps cookies, and submits each page's
 * first POST form with its hidden fields, filling `login` and `password`
 * (the issuer's development login) until a page has no form left.
 */
async function browse(start: string, login: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = new URL(start);
  let method = 'GET';
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 25; hop++) {
    const res = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url);
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    const form = /<form([^>]*method="post"[^>]*)>([\s\S]*?)<\/form>/i.exec(html);
    if (!form) return html;
    const action = /action="([^"]*)"/.exec(form[1])?.[1] ?? url.href;
    const fields = new URLSearchParams();
    for (const input of form[2].matchAll(/<input[^>]*>/gi)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      if (!name) continue;
      fields.set(name, /value="([^"]*)"/.exec(input[0])?.[1] ?? '');
    }
    if (fields.has('login')) fields.set('login', login);
    if (fields.has('password')) fields.set('password', 'any');
    url = new URL(action.replace(/&amp;/g, '&'), url);
    method = 'POST';
    body = fields;
  }
  throw new Error('too many hops');
}

/** Starts `mantis ARGS` and resolves the first stdout match of `pattern`, with the running child. */
function startCli(args: string[], env: Record<string, string>, pattern: RegExp) {
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const matched = new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) resolve(m);
    });
    child.stderr.on('data', (d) => (err += d));
    void exited.then((code) => reject(new Error(`mantis exited ${code} before printing ${pattern}:\n${out}\n${err}`)));
  });
  return { matched, exited, output: () => out, errors: () => err };
}

describe('CLI login against the test IdP', { timeout: 120_000 }, () => {
  let issuer: TestIssuer;
  let t: TestApp;
  let env: Record<string, string>;
  const email = 'oidc-cli@example.com';

  beforeAll(async () => {
    issuer = await startOidcIssuer({ accounts: [{ email }] });
    const oidcEnv = {
      MANTIS_AUTH_OIDC_ISSUER_URL: issuer.issuer,
      MANTIS_AUTH_OIDC_AUDIENCE: issuer.audience,
      MANTIS_AUTH_OIDC_CLIENT_ID: issuer.publicClientId,
    };
    t = await buildTestApp({ listen: true, env: oidcEnv });
    const team = await createTeam(t.prisma, { slug: `login-${Date.now().toString(36)}` });
    await createUser(t.prisma, { email, team, role: 'viewer' });
    env = { ...oidcEnv, MANTIS_URL: t.url!, HOME: mkdtempSync(join(tmpdir(), 'mantis-login-')) };
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.close();
  });

  const credentialsFile = () => join(env.HOME, '.mantis', 'credentials');

  it('login (auth code + PKCE, loopback redirect) caches tokens with mode 0600 that the API accepts', async () => {
    const cli = startCli(['login', '--no-browser'], env, /^\s+(http\S+)$/m);
    const [, url] = await cli.matched;
    const authUrl = new URL(url);
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const page = await browse(url, email);
    expect(page).toContain('you are logged in');
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain(`Logged in as ${email}.`);
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    expect(creds).toMatchObject({ issuer: issuer.issuer, email, access_token: expect.any(String), refresh_token: expect.any(String) });

    const teams = await runCli(['teams', 'list'], env);
    expect(teams.stderr).toBe('');
    expect(teams.stdout).toMatch(/login-\S+\s+login-\S+\s+viewer/);
  });

  it('refreshes an expired cached token with its refresh token', async () => {
    const before = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    writeFileSync(credentialsFile(), JSON.stringify({ ...before, expires_at: Math.floor(Date.now() / 1000) - 10 }));
    const teams = await runCli(['teams', 'list'], env);
    expect(teams.code).toBe(0);
    const after = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.expires_at).toBeGreaterThan(Math.floor(Date.now() / 1000));
  });

  it('logout forgets the credentials', async () => {
    const out = await runCli(['logout'], env);
    expect(out.stdout).toBe('Logged out.\n');
    expect(existsSync(credentialsFile())).toBe(false);
    const teams = await runCli(['teams', 'list'], env);
    expect(teams.code).toBe(1);
    expect(teams.stderr).toContain('No credentials');
  });

  it('login --device prints a code; approving it in a browser logs the CLI in', async () => {
    const cli = startCli(['login', '--device'], env, /or open (\S+)/);
    const [, url] = await cli.matched;
    expect(cli.output()).toMatch(/enter the code [A-Z-]+/);
    const page = await browse(url, email);
    expect(page).toMatch(/success/i);
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toContain(`Logged in as ${email}.`);
    const teams = await runCli(['teams', 'list'], env);
    expect(teams.stdout).toMatch(/viewer/);
  });
});
