import { mkdirSync, mkdtempSync, symlinkSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { executePlan } from '../support/executor-harness.js';
import { createTeam } from '../support/factories.js';
import { putSecret } from '../support/team-secrets.js';
import { startTestSite, type TestSite } from '../support/test-site.js';
import { zipText } from '../support/zip-text.js';

const PASSWORD = 'pw-7c0ffee-Sekr3t!';
const FORM_ENCODED = new URLSearchParams({ v: PASSWORD }).toString().slice(2);

// Real Chromium on a shared machine: generous per-test time.
describe('executor: secrets and state_key profiles', { timeout: 120_000 }, () => {
  let t: TestApp;
  let site: TestSite;

  beforeAll(async () => {
    site = await startTestSite({ password: PASSWORD });
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  const login = (stateKey?: string) => ({
    steps: [
      { navigate: `${site.url}/login` },
      { fill: { selector: '#user', value: 'ada' } },
      { fill: { selector: '#password', value: '{{secrets.site_pw}}' } },
      { click: '#login' },
      { extract: { name: 'who', selector: '#who' } },
      ...(stateKey ? [] : [{ screenshot: 'after-login' }]),
    ],
  });

  it('types a secret into the page without it reaching events, results, errors, logs or the trace', async () => {
    // Secrets are typed only on the team's allowed hosts (they have no origins of their own here).
    const team = await createTeam(t.prisma, { allowedDomains: ['127.0.0.1'] });
    await putSecret(t, team, 'site_pw', PASSWORD);
    const ok = await executePlan(t, team, login());
    expect(ok.outcome.error).toBeNull();
    expect(ok.outcome.result?.extracted).toEqual({ who: 'Signed in as ada' });
    expect(site.hits.some((h) => new URLSearchParams(h.body).get('password') === PASSWORD)).toBe(true);

    // A failing run on a page that copies the typed secret into its title and URL (percent-encoded in the query).
    const echo = `<input id="f" oninput="document.title = this.value; history.replaceState(null, '', '?token=' + encodeURIComponent(this.value))">`;
    const bad = await executePlan(t, team, {
      steps: [
        { navigate: `${site.url}/raw?html=${encodeURIComponent(echo)}` },
        { fill: { selector: '#f', value: '{{secrets.site_pw}}' } },
        { extract: { name: 'echo', selector: 'title' } },
        { assert: { url: `${site.url}/elsewhere` } },
      ],
    });
    expect(bad.outcome.result?.extracted).toEqual({ echo: '[REDACTED]' });
    expect(bad.outcome.status).toBe('failed');
    expect(bad.outcome.error?.code).toBe('assertion_failed');
    expect(bad.outcome.error?.message).toContain('[REDACTED]');

    for (const r of [ok, bad]) {
      const text = JSON.stringify({ outcome: r.outcome, events: r.events });
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
      expect(text).not.toContain(FORM_ENCODED);
      expect(r.events.filter((e) => e.type === 'secret.used').map((e) => e.data.name)).toEqual(['site_pw']);
    }
    const row = await t.prisma.run.findUniqueOrThrow({ where: { id: bad.runId } });
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(t.logs.text()).not.toContain(PASSWORD);

    // The trace ends before the secret is typed.
    const stopped = ok.events.findIndex((e) => e.type === 'trace.stopped');
    const secretFill = ok.events.findIndex((e) => e.type === 'step.started' && e.data.index === 2);
    expect(stopped).toBeGreaterThan(-1);
    expect(stopped).toBeLessThan(secretFill);
    for (const r of [ok, bad]) {
      const trace = await t.prisma.artifact.findFirstOrThrow({ where: { runId: r.runId, kind: 'trace' } });
      const traceText = zipText(join(t.dataDir, 'tenants', team.slug, trace.path));
      expect(traceText).toContain(r === ok ? '/login' : '/raw');
      expect(traceText).not.toContain(PASSWORD);
      expect(traceText).not.toContain(encodeURIComponent(PASSWORD));
      expect(traceText).not.toContain(FORM_ENCODED);
    }
  });

  it('fails with secret_not_found naming the secret, before typing anything', async () => {
    const team = await createTeam(t.prisma);
    const { outcome } = await executePlan(t, team, login());
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('secret_not_found');
    expect(outcome.error?.message).toContain('"site_pw"');
    expect(outcome.stepsCompleted).toBe(2);
  });

  it('shares login state between runs of one team with the same state_key, and not with another team', async () => {
    const a = await createTeam(t.prisma, { allowedDomains: ['127.0.0.1'] });
    const b = await createTeam(t.prisma);
    await putSecret(t, a, 'site_pw', PASSWORD);
    const account = { steps: [{ navigate: `${site.url}/account` }, { extract: { name: 'who', selector: '#who' } }] };

    const first = await executePlan(t, a, login('shop'), { stateKey: 'shop' });
    expect(first.outcome.result?.extracted).toEqual({ who: 'Signed in as ada' });
    expect(first.events.some((e) => e.type === 'state.saved')).toBe(true);
    expect(existsSync(join(t.dataDir, 'tenants', a.slug, 'profiles', 'shop'))).toBe(true);

    const again = await executePlan(t, a, account, { stateKey: 'shop' });
    expect(again.outcome.result?.extracted).toEqual({ who: 'Signed in as ada' });
    const otherKey = await executePlan(t, a, account, { stateKey: 'other' });
    expect(otherKey.outcome.result?.extracted).toEqual({ who: 'Anonymous' });
    const otherTeam = await executePlan(t, b, account, { stateKey: 'shop' });
    expect(otherTeam.outcome.result?.extracted).toEqual({ who: 'Anonymous' });
    const none = await executePlan(t, a, account);
    expect(none.outcome.result?.extracted).toEqual({ who: 'Anonymous' });
  });

  it.each(['../victim', '..', 'a/../../b', '..%2Fvictim', '%2e%2e', '/etc/passwd', 'a\\b', ''])('refuses the state_key %j', async (stateKey) => {
    const team = await createTeam(t.prisma);
    const { outcome } = await executePlan(t, team, { steps: [{ navigate: `${site.url}/` }] }, { stateKey: stateKey || ' ' });
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('invalid_state_key');
    expect(outcome.stepsCompleted).toBe(0);
  });

  it('refuses a profile that is a symlink out of the team directory, and leaves the target alone', async () => {
    const team = await createTeam(t.prisma);
    const outside = mkdtempSync(join(tmpdir(), 'mantis-outside-'));
    const profiles = join(t.dataDir, 'tenants', team.slug, 'profiles');
    mkdirSync(profiles, { recursive: true });
    symlinkSync(outside, join(profiles, 'linked'));
    const { outcome } = await executePlan(t, team, { steps: [{ navigate: `${site.url}/` }] }, { stateKey: 'linked' });
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('invalid_state_key');
    expect(readdirSync(outside)).toEqual([]);
  });
});
