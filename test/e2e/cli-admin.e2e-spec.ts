import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

describe('CLI over the REST API', { timeout: 120_000 }, () => {
  let t: TestApp;
  let admin: UserFixture;
  let team: TeamFixture;
  let home: string;
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(args, { MANTIS_URL: t.url, MANTIS_API_KEY: admin.key, HOME: home, ...env });

  beforeAll(async () => {
    t = await buildTestApp({ listen: true });
    admin = await createUser(t.prisma, { admin: true });
    team = await createTeam(t.prisma);
    home = mkdtempSync(join(tmpdir(), 'mantis-home-'));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('teams create and teams list (aligned table)', async () => {
    const created = await cli(['teams', 'create', '--name', 'Cli Team', '--max-concurrent-runs', '4']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('Created team cli-team (Cli Team).\n');
    const list = await cli(['teams', 'list']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TEAM\s+NAME\s+ROLE\s+MAX RUNS\s+RATE\/MIN\s+BUDGET USD\s+DOMAINS$/);
    const row = lines.find((l) => l.startsWith('cli-team '))!;
    expect(row).toBeDefined();
    expect(row.indexOf('Cli Team')).toBe(lines[0].indexOf('NAME'));
    expect(row.split(/\s{2,}/)).toEqual(['cli-team', 'Cli Team', '-', '4', '30', '-', '-']);
  });

  it('users create, get and list', async () => {
    const created = await cli(['users', 'create', '--email', 'grace@example.com', '--name', 'Grace', '--team', team.slug, '--role', 'operator']);
    expect(created.stdout).toBe(`Created user grace@example.com (operator in ${team.slug}).\n`);
    const got = await cli(['users', 'get', '--email', 'grace@example.com']);
    expect(got.stdout).toContain('Email:    grace@example.com');
    expect(got.stdout).toContain(`Teams:    ${team.slug} (operator)`);
    const list = await cli(['users', 'list', '--team', team.slug]);
    expect(list.stdout.split('\n')[0]).toMatch(/^EMAIL\s+NAME\s+KIND\s+ADMIN\s+TEAMS$/);
    expect(list.stdout).toMatch(new RegExp(`grace@example\\.com\\s+Grace\\s+human\\s+no\\s+${team.slug}:operator`));
  });

  it('users api-key prints the key once; list-keys never shows it; auth revoke-key stops it', async () => {
    const u = await createUser(t.prisma, { team, role: 'operator' });
    const made = await cli(['users', 'api-key', '--email', u.email, '--key-name', 'deploy', '--expires', '90d', '--scopes', 'run,status']);
    expect(made.code).toBe(0);
    const lines = made.stdout.trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(/^API Key: mk_[0-9a-f]{64}$/);
    expect(lines.at(-1)).toBe('Save this key — it cannot be retrieved again.');
    const key = lines.at(-2)!.slice('API Key: '.length);
    expect(made.stdout.split(key)).toHaveLength(2);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': key } });
    expect(me.json().scopes).toEqual(['run', 'status']);

    const keys = await cli(['users', 'list-keys', '--email', u.email]);
    expect(keys.stdout.split('\n')[0]).toMatch(/^NAME\s+PREFIX\s+SCOPES\s+STATUS\s+CREATED\s+LAST USED\s+EXPIRES\s+SOURCE$/);
    expect(keys.stdout).toMatch(new RegExp(`deploy\\s+${key.slice(0, 9)}\\s+run,status\\s+active`));
    expect(keys.stdout).not.toContain(key);

    const revoked = await cli(['auth', 'revoke-key', '--email', u.email, '--key-name', 'deploy']);
    expect(revoked.stdout).toBe(`Revoked API key deploy (${key.slice(0, 9)}) of ${u.email}.\n`);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-mantis-token': key } })).statusCode).toBe(401);
    expect((await cli(['users', 'list-keys', '--email', u.email])).stdout).toMatch(/deploy\s+mk_[0-9a-f]{6}\s+run,status\s+revoked/);
  });

  it('roles assign, and a team_owner is refused an escalation with the error code', async () => {
    const u = await createUser(t.prisma, { team, role: 'viewer' });
    const ok = await cli(['roles', 'assign', '--email', u.email, '--role', 'auditor', '--team', team.slug]);
    expect(ok.stdout).toBe(`Assigned auditor to ${u.email} in ${team.slug}.\n`);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const denied = await cli(['roles', 'assign', '--email', u.email, '--role', 'team_owner', '--team', team.slug, '--api-key', owner.key]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^mantis: insufficient_role: /);
    expect((await t.prisma.membership.findFirstOrThrow({ where: { userId: u.id, teamId: team.id } })).role).toBe('auditor');
  });

  it('audit export streams NDJSON and CSV, to stdout or a file', async () => {
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    await t.app.inject({ method: 'PUT', url: `/api/v1/teams/${team.slug}/secrets/cli`, headers: { 'x-mantis-token': owner.key }, payload: { value: 'v' } });
    const nd = await cli(['audit', 'export', '--team', team.slug, '--action', 'secret.update']);
    expect(nd.code).toBe(0);
    const events = nd.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events).toEqual([expect.objectContaining({ action: 'secret.update', team: team.slug, target: { type: 'secret', id: 'cli' } })]);
    const file = join(home, 'audit.csv');
    const csv = await cli(['audit', 'export', '--format', 'csv', '--output', file, '--api-key', owner.key]);
    expect(csv.code).toBe(0);
    const rows = readFileSync(file, 'utf8').trim().split('\r\n');
    expect(rows[0]).toMatch(/^id,seq,ts,team,actor_type/);
    expect(rows.some((r) => r.includes('secret.update'))).toBe(true);
  });

  it('run WORKFLOW starts a run of a stored workflow', async () => {
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const wf = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/workflows/cli-flow',
      headers: { 'x-mantis-token': owner.key },
      payload: { plan: { steps: [{ navigate: 'https://example.com' }] } },
    });
    expect(wf.statusCode).toBe(201);
    const res = await cli(['run', 'cli-flow', '--input', 'q=1', '--api-key', owner.key]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/^Run run_\S+ queued \(workflow cli-flow\)\.\n$/);
    const id = /Run (run_\S+)/.exec(res.stdout)![1];
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ teamId: team.id, workflowName: 'cli-flow', inputs: { q: '1' } });
  });

  it('without credentials, and against a server that is down, it says so', async () => {
    const none = await cli(['teams', 'list'], { MANTIS_API_KEY: undefined });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No credentials');
    const bad = await cli(['teams', 'list'], { MANTIS_API_KEY: 'mk_nope' });
    expect(bad.stderr).toBe(
      'mantis: invalid_token: The token is invalid, expired or revoked; pass a valid key with --api-key or MANTIS_API_KEY, or run mantis login again\n',
    );
    const down = await cli(['teams', 'list'], { MANTIS_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^mantis: Cannot reach http:\/\/127\.0\.0\.1:9: .+; check MANTIS_URL and that the server \(mantis start\) is running\n$/);
  });
});
