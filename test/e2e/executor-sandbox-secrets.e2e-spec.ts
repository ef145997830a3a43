import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { executePlan } from '../support/executor-harness.js';
import { startFakeAnthropic, toolUse, type FakeAnthropic } from '../support/fake-anthropic.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';
import { putSecret } from '../support/team-secrets.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

/**
 * Secrets are origin-bound and come only from the team's own stores; the
 * video of a run ends before a secret is typed; a reused slug starts empty.
 * Real Chromium against the test site on 127.0.0.1.
 */
describe('executor: secrets, recordings and team directories', { timeout: 120_000 }, () => {
  let t: TestApp;
  let site: TestSite;
  let anthropic: FakeAnthropic;
  const PASSWORD = 'correct horse';

  beforeAll(async () => {
    site = await startTestSite({ password: PASSWORD });
    anthropic = await startFakeAnthropic();
    t = await buildTestApp({ env: { MANTIS_ANTHROPIC_BASE_URL: anthropic.url } });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([site?.close(), anthropic?.close()]);
  });

  async function putSecretWithOrigins(team: TeamFixture, name: string, value: string, origins?: string[]) {
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/teams/${team.slug}/secrets/${name}`,
      headers: { 'x-mantis-token': owner.key, 'content-type': 'application/json' },
      payload: { value, ...(origins ? { origins } : {}) },
    });
    expect(res.statusCode).toBe(201);
  }

  /** A page whose input reports every keystroke to the site, so a test sees whether anything was typed. */
  const typingPage = (host = site.url) => `${host}/raw?html=${encodeURIComponent(`<input id="f" oninput="fetch('/typed')">`)}`;
  const typed = () => site.hits.filter((h) => h.path === '/typed').length;

  const login = (value: string) => [
    { navigate: `${site.url}/login` },
    { fill: { selector: '#user', value: 'ada' } },
    { fill: { selector: '#password', value } },
    { click: '#login' },
    { extract: { name: 'who', selector: '#who' } },
  ];

  it('types a secret on a host matching its origins (team allowlist empty) and never shows it', async () => {
    const team = await createTeam(t.prisma);
    await putSecretWithOrigins(team, 'pw', PASSWORD, ['127.0.0.1']);
    const { outcome, events } = await executePlan(t, team, { steps: login('{{secrets.pw}}') });
    expect(outcome.error).toBeNull();
    expect(outcome.result?.extracted).toEqual({ who: 'Signed in as ada' });
    expect(events.filter((e) => e.type === 'secret.used').map((e) => e.data.name)).toEqual(['pw']);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it('refuses to type a secret on a host outside its origins, typing nothing', async () => {
    const team = await createTeam(t.prisma, { allowedDomains: ['127.0.0.1'] });
    await putSecretWithOrigins(team, 'pw', PASSWORD, ['login.example.com']);
    const before = typed();
    const { outcome } = await executePlan(t, team, { steps: [{ navigate: typingPage() }, { fill: { selector: '#f', value: 'x{{secrets.pw}}' } }] });
    expect(outcome.error?.code).toBe('secret_origin_not_allowed');
    expect(outcome.error?.message).toContain('"pw"');
    expect(typed()).toBe(before);
  });

  it('falls back to the team allowlist for a secret without origins, and refuses when that is empty too', async () => {
    const open = await createTeam(t.prisma);
    await putSecretWithOrigins(open, 'pw', PASSWORD);
    const before = typed();
    const refused = await executePlan(t, open, { steps: [{ navigate: typingPage() }, { fill: { selector: '#f', value: '{{secrets.pw}}' } }] });
    expect(refused.outcome.error?.code).toBe('secret_origin_not_allowed');
    expect(typed()).toBe(before);

    const listed = await createTeam(t.prisma, { allowedDomains: ['127.0.0.1'] });
    await putSecretWithOrigins(listed, 'pw', PASSWORD);
    const ok = await executePlan(t, listed, { steps: login('{{secrets.pw}}') });
    expect(ok.outcome.error).toBeNull();
    expect(ok.outcome.result?.extracted).toEqual({ who: 'Signed in as ada' });
  });

  it('checks the frame the field is in, not just the top page', async () => {
    const team = await createTeam(t.prisma);
    await putSecretWithOrigins(team, 'pw', PASSWORD, ['127.0.0.1']);
    const frame = typingPage(site.otherHostUrl);
    const page = `${site.url}/raw?html=${encodeURIComponent(`<iframe src="${frame}"></iframe>`)}`;
    const before = typed();
    const { outcome } = await executePlan(t, team, {
      steps: [{ navigate: page }, { fill: { selector: 'iframe >> internal:control=enter-frame >> #f', value: '{{secrets.pw}}' } }],
    });
    expect(outcome.error?.code).toBe('secret_origin_not_allowed');
    expect(typed()).toBe(before);
  });

  it("reads a secret file from the team's own directory, never from the shared root", async () => {
    const team = await createTeam(t.prisma, { allowedDomains: ['127.0.0.1'] });
    mkdirSync(join(t.config.secretsDir, team.slug), { recursive: true });
    writeFileSync(join(t.config.secretsDir, team.slug, 'site_password'), `${PASSWORD}\n`);
    writeFileSync(join(t.config.secretsDir, 'operator_only'), 'root-secret\n');
    const ok = await executePlan(t, team, { steps: login('{{secrets.site_password}}') });
    expect(ok.outcome.error).toBeNull();
    expect(ok.outcome.result?.extracted).toEqual({ who: 'Signed in as ada' });

    const before = typed();
    const shared = await executePlan(t, team, { steps: [{ navigate: typingPage() }, { fill: { selector: '#f', value: '{{secrets.operator_only}}' } }] });
    expect(shared.outcome.error).toMatchObject({ code: 'secret_not_found' });
    expect(typed()).toBe(before);
  });

  it('lets an agent type a listed secret by name without the value ever reaching the model', async () => {
    const team = await createTeam(t.prisma);
    await putSecret(t, team, 'anthropic_api_key', 'sk-ant-test');
    await putSecretWithOrigins(team, 'pw', PASSWORD, ['127.0.0.1']);
    anthropic.requests.length = 0;
    anthropic.script([
      toolUse('type_secret', { selector: '#password', name: 'other' }),
      toolUse('type_secret', { selector: '#password', name: 'pw' }),
      toolUse('fill', { selector: '#user', value: 'ada' }),
      toolUse('click', { selector: '#login' }),
      toolUse('done', { result: 'signed in' }),
    ]);
    const { outcome, events } = await executePlan(t, team, {
      steps: [{ navigate: `${site.url}/login` }, { agent: { goal: 'sign in as ada', secrets: ['pw'] } }, { extract: { name: 'who', selector: '#who' } }],
    });
    expect(outcome.error).toBeNull();
    expect(outcome.result?.extracted).toEqual({ who: 'Signed in as ada' });
    const sent = JSON.stringify(anthropic.requests.map((r) => r.body));
    expect(sent).toContain('type_secret');
    expect(sent).toContain('is not one of the secrets this task may type');
    expect(sent).not.toContain(PASSWORD);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });

  it('ends the video before the first step that types a secret', async () => {
    const team = await createTeam(t.prisma);
    await putSecretWithOrigins(team, 'pw', PASSWORD, ['127.0.0.1']);
    const { runId, outcome, events } = await executePlan(t, team, {
      steps: [
        { navigate: typingPage() },
        { wait_for: { timeout_ms: 1500 } },
        { fill: { selector: '#f', value: '{{secrets.pw}}' } },
        { wait_for: { timeout_ms: 1000 } },
      ],
    });
    expect(outcome.error).toBeNull();
    const fillStart = Number(events.find((e) => e.type === 'step.started' && e.data.index === 2)?.data.since_page_ms);
    const video = await t.prisma.artifact.findFirstOrThrow({ where: { runId, kind: 'video' } });
    const file = join(t.dataDir, 'tenants', team.slug, video.path);
    const seconds = Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).toString().trim());
    expect(seconds).toBeGreaterThan(0);
    expect(seconds * 1000).toBeLessThan(fillStart);
    expect(events.some((e) => e.type === 'trace.stopped' && e.data.reason === 'a secret is about to be typed')).toBe(true);
  });

  it('hands a recreated slug an empty directory: no cookies, no runs of the deleted team', async () => {
    const admin = await createUser(t.prisma, { admin: true });
    const slug = `reuse-${Date.now().toString(36)}`;
    const first = await createTeam(t.prisma, { slug, allowedDomains: ['127.0.0.1'] });
    await putSecretWithOrigins(first, 'pw', PASSWORD);
    const signedIn = await executePlan(t, first, { steps: login('{{secrets.pw}}') }, { stateKey: 'main' });
    expect(signedIn.outcome.result?.extracted).toEqual({ who: 'Signed in as ada' });
    const dir = join(t.dataDir, 'tenants', slug);
    expect(existsSync(join(dir, 'profiles', 'main', 'storage-state.json'))).toBe(true);

    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/teams/${slug}`, headers: { 'x-mantis-token': admin.key } });
    expect(del.statusCode).toBe(204);
    expect(existsSync(dir)).toBe(false);
    const second = await createTeam(t.prisma, { slug });
    const fresh = await executePlan(
      t,
      second,
      { steps: [{ navigate: `${site.url}/account` }, { extract: { name: 'who', selector: '#who' } }] },
      { stateKey: 'main' },
    );
    expect(fresh.outcome.result?.extracted).toEqual({ who: 'Anonymous' });

    // A directory a deleted team left behind (another host, a crash) is not handed over either.
    await t.prisma.team.delete({ where: { id: second.id } });
    const third = await createTeam(t.prisma, { slug });
    await executePlan(t, third, { steps: [{ navigate: `${site.url}/account` }] }, { stateKey: 'other' });
    expect(existsSync(join(dir, 'profiles', 'main'))).toBe(false);
    expect(existsSync(join(dir, 'runs', fresh.runId))).toBe(false);
  });
});
