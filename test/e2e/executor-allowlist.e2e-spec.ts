import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { executePlan } from '../support/executor-harness.js';
import { createTeam } from '../support/factories.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

/**
 * The team allows only 127.0.0.1; the same test site is also reachable as
 * `localhost`, which stands for "another host". Every attempt to reach it at
 * top level must be blocked, recorded, fail the run with domain_not_allowed,
 * and never reach the site.
 */
// Real Chromium on a shared machine: generous per-test time.
describe('executor: allowed_domains at run time', { timeout: 120_000 }, () => {
  let t: TestApp;
  let site: TestSite;
  const allowed = ['127.0.0.1'];

  beforeAll(async () => {
    site = await startTestSite();
    t = await buildTestApp({ env: { MANTIS_RECORD_VIDEO: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  const otherHostHits = () => site.hits.filter((h) => h.host.startsWith('localhost'));

  async function expectBlocked(plan: { steps: Record<string, unknown>[] }, blockedUrl: string) {
    const team = await createTeam(t.prisma, { allowedDomains: allowed });
    const before = otherHostHits().length;
    const { outcome, events } = await executePlan(t, team, plan);
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('domain_not_allowed');
    expect(outcome.error?.message).toContain(blockedUrl);
    const blocked = events.filter((e) => e.type === 'request.blocked');
    expect(blocked.map((e) => e.data.url)).toContain(blockedUrl);
    expect(otherHostHits().length).toBe(before);
    return { outcome, events };
  }

  it('lets allowed navigations and same-host redirects through', async () => {
    const team = await createTeam(t.prisma, { allowedDomains: allowed });
    const { outcome, events } = await executePlan(t, team, {
      steps: [{ navigate: `${site.url}/redirect?to=${encodeURIComponent('/redirect?to=/list')}` }, { extract: { name: 'h', selector: 'h1' } }],
    });
    expect(outcome.error).toBeNull();
    expect(outcome.result?.extracted).toEqual({ h: 'Items' });
    expect(outcome.result?.final_url).toBe(`${site.url}/list`);
    expect(events.some((e) => e.type === 'request.blocked')).toBe(false);
  });

  it('keeps cookies and the post-redirect-get flow of a login form working under the allowlist', async () => {
    const team = await createTeam(t.prisma, { allowedDomains: allowed });
    const { outcome } = await executePlan(t, team, {
      steps: [
        { navigate: `${site.url}/login` },
        { fill: { selector: '#user', value: 'ada' } },
        { fill: { selector: '#password', value: 'correct horse' } },
        { click: '#login' },
        { extract: { name: 'who', selector: '#who' } },
        { navigate: `${site.url}/account` },
        { extract: { name: 'again', selector: '#who' } },
      ],
    });
    expect(outcome.error).toBeNull();
    expect(outcome.result?.extracted).toEqual({ who: 'Signed in as ada', again: 'Signed in as ada' });
    expect(outcome.result?.final_url).toBe(`${site.url}/account`);
    expect(site.hits.filter((h) => h.method === 'POST' && h.path === '/login')).toHaveLength(1);
  });

  it('blocks a plan navigate to another host before any request is made', async () => {
    await expectBlocked({ steps: [{ navigate: `${site.otherHostUrl}/` }] }, `${site.otherHostUrl}/`);
  });

  it('blocks a redirect from an allowed host to another host, also at the second hop', async () => {
    const target = `${site.otherHostUrl}/account`;
    await expectBlocked({ steps: [{ navigate: `${site.url}/redirect?to=${encodeURIComponent(target)}` }] }, target);
    const chained = `${site.url}/redirect?to=${encodeURIComponent(`/redirect?status=307&to=${encodeURIComponent(target)}`)}`;
    const { events } = await expectBlocked({ steps: [{ navigate: chained }] }, target);
    expect(events.find((e) => e.type === 'request.blocked')?.data.reason).toBe('redirect_not_allowed');
  });

  it('blocks window.open to another host', async () => {
    const target = `${site.otherHostUrl}/list`;
    await expectBlocked(
      { steps: [{ navigate: `${site.url}/popup?to=${encodeURIComponent(target)}` }, { click: '#open' }, { wait_for: { timeout_ms: 2_000 } }] },
      target,
    );
  });

  it('blocks a meta refresh to another host', async () => {
    const target = `${site.otherHostUrl}/list`;
    await expectBlocked({ steps: [{ navigate: `${site.url}/meta?to=${encodeURIComponent(target)}` }, { wait_for: { timeout_ms: 2_000 } }] }, target);
  });

  it('blocks a form post to another host', async () => {
    const target = `${site.otherHostUrl}/echo`;
    await expectBlocked(
      { steps: [{ navigate: `${site.url}/post-form?action=${encodeURIComponent(target)}` }, { click: '#send' }, { wait_for: { timeout_ms: 2_000 } }] },
      target,
    );
  });

  it('places no restriction with an empty allowed_domains', async () => {
    const team = await createTeam(t.prisma);
    const target = `${site.otherHostUrl}/list`;
    const { outcome } = await executePlan(t, team, {
      steps: [{ navigate: `${site.url}/redirect?to=${encodeURIComponent(target)}` }, { extract: { name: 'h', selector: 'h1' } }],
    });
    expect(outcome.error).toBeNull();
    expect(outcome.result?.extracted).toEqual({ h: 'Items' });
  });
});
