import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, newConsole, shot, signInWithKey } from '../support/console-browser.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer.js';

// Real Chromium against a listening server and the real test issuer.
describe('Console: sign-in, shell, sessions in the browser', { timeout: 120_000 }, () => {
  let t: TestApp;
  let idp: TestIssuer;
  let browser: Browser;
  let team: TeamFixture;
  let other: TeamFixture;

  beforeAll(async () => {
    idp = await startOidcIssuer({
      accounts: [{ email: 'ada@example.com' }, { email: 'stranger@example.com' }, { email: 'unverified@example.com', email_verified: false }],
    });
    t = await buildTestApp({
      listen: true,
      env: { MANTIS_AUTH_OIDC_ISSUER_URL: idp.issuer, MANTIS_AUTH_OIDC_CLIENT_ID: idp.publicClientId, MANTIS_AUTH_OIDC_AUDIENCE: idp.audience },
    });
    browser = await launchBrowser();
    team = await createTeam(t.prisma, { slug: `acme-${Date.now().toString(36)}` });
    other = await createTeam(t.prisma);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.close();
  });

  /** Clicks "Sign in with SSO" and plays the user at the issuer's login and consent pages. */
  async function sso(page: Page, email: string, path = `/console/teams/${team.slug}/runs`) {
    await page.goto(path);
    await page.getByRole('heading', { name: 'Sign in to Mantis' }).waitFor();
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await page.locator('input[name="login"]').fill(email);
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    const consent = page.locator('button[type="submit"]', { hasText: /continue/i });
    await Promise.race([
      consent
        .waitFor()
        .then(() => consent.click())
        .catch(() => undefined),
      page.waitForURL(/\/console\//),
    ]);
    await page.waitForURL((u) => u.pathname.startsWith('/console/'));
  }

  it('SSO signs in a provisioned user and lands on the page asked for; the cookie is HttpOnly, SameSite=Lax, Path=/', async () => {
    await createUser(t.prisma, { team, role: 'operator', email: 'ada@example.com' });
    const { context, page, csp } = await newConsole(browser, t.url!);
    await sso(page, 'ada@example.com');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/teams/${team.slug}/runs`);
    await expect(page.getByLabel('Team').inputValue()).resolves.toBe(team.slug);
    await expect(page.getByText('ada@example.com · operator').isVisible()).resolves.toBe(true);
    for (const name of ['Runs', 'Workflows', 'Audit log', 'Keys', 'Members', 'Secrets', 'Webhooks', 'Usage']) {
      await expect(page.getByRole('link', { name, exact: true }).count(), name).resolves.toBe(1);
    }
    await expect(page.getByRole('link', { name: 'Admin' }).count()).resolves.toBe(0);
    const cookie = (await context.cookies()).find((c) => c.name === 'mantis_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
    expect(csp).toEqual([]);
    await shot(page, 'runs-empty-sso');
    await context.close();
  });

  it('refuses an unprovisioned and an unverified identity with the reason on the sign-in page', async () => {
    for (const [email, reason] of [
      ['stranger@example.com', /no Mantis user exists for that email address/],
      ['unverified@example.com', /has not verified your email address/],
    ] as const) {
      const { context, page } = await newConsole(browser, t.url!);
      await sso(page, email);
      await page.getByRole('heading', { name: 'Sign in to Mantis' }).waitFor();
      await expect(page.getByRole('alert').textContent()).resolves.toMatch(reason);
      expect((await context.cookies()).some((c) => c.name === 'mantis_session')).toBe(false);
      if (email.startsWith('stranger')) await shot(page, 'signin-refused');
      await context.close();
    }
  });

  it('signs in with an API key; an admin gets Admin, Teams and Users and every team in the switcher; Sign out ends it', async () => {
    const admin = await createUser(t.prisma, { admin: true, team, role: 'team_owner' });
    const { context, page } = await newConsole(browser, t.url!);
    await page.goto('/console/login');
    await shot(page, 'signin');
    await page.getByLabel('API key').fill('mk_' + 'f'.repeat(64));
    await page.getByRole('button', { name: 'Sign in with API key' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/invalid, expired or revoked/);
    await signInWithKey(page, admin.key, '/console/login');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    for (const name of ['Admin', 'Teams', 'Users']) await expect(page.getByRole('link', { name, exact: true }).count(), name).resolves.toBe(1);
    const options = await page.getByLabel('Team').locator('option').allTextContents();
    expect(options).toEqual(expect.arrayContaining([team.slug, other.slug]));
    await page.getByLabel('Team').selectOption(other.slug);
    await page.waitForURL(`**/console/teams/${other.slug}/runs`);
    await page.getByRole('link', { name: 'Keys', exact: true }).click();
    await page.getByRole('heading', { name: 'Keys' }).waitFor();
    await page.getByRole('button', { name: 'Create key' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Mantis' }).waitFor();
    expect((await context.cookies()).some((c) => c.name === 'mantis_session')).toBe(false);
    await page.goto(`/console/teams/${team.slug}/runs`);
    await page.getByRole('heading', { name: 'Sign in to Mantis' }).waitFor();
    const ended = await t.prisma.auditEvent.count({ where: { actorId: admin.id, action: 'session.end', outcome: 'success' } });
    expect(ended).toBe(1);
    await context.close();
  });

  it('a cookie POST without the CSRF token is refused (403 csrf_failed); with it, it passes', async () => {
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const { context, page } = await newConsole(browser, t.url!);
    await signInWithKey(page, owner.key);
    const put = (withToken: boolean) =>
      page.evaluate(
        async ([slug, withToken]) => {
          const s = (await (await fetch('/auth/session')).json()) as { csrf_token: string };
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (withToken) headers['x-csrf-token'] = s.csrf_token;
          const res = await fetch(`/api/v1/teams/${slug}/secrets/console_probe`, { method: 'PUT', headers, body: JSON.stringify({ value: 'x' }) });
          return { status: res.status, body: (await res.json()) as { error: { code: string } } };
        },
        [team.slug, withToken] as const,
      );
    const refused = await put(false);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('csrf_failed');
    expect(await t.prisma.secret.count({ where: { teamId: team.id, name: 'console_probe' } })).toBe(0);
    expect((await put(true)).status).toBeLessThan(300);
    await context.close();
  });

  it("a role change takes effect on the next page load; a deleted user's session ends", async () => {
    const viewer = await createUser(t.prisma, { team, role: 'viewer' });
    const { context, page } = await newConsole(browser, t.url!);
    await signInWithKey(page, viewer.key, `/console/teams/${team.slug}/audit`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/auditor role/);
    await shot(page, 'audit-forbidden');
    await t.prisma.membership.update({ where: { userId_teamId: { userId: viewer.id, teamId: team.id } }, data: { role: 'auditor' } });
    await page.reload();
    await page.getByRole('button', { name: 'Verify chain' }).waitFor();
    await expect(page.getByText(`${viewer.email} · auditor`).isVisible()).resolves.toBe(true);
    await page.getByRole('table').waitFor();

    const admin = await createUser(t.prisma, { admin: true });
    const del = await fetch(`${t.url}/api/v1/users/${encodeURIComponent(viewer.email)}`, { method: 'DELETE', headers: { 'x-mantis-token': admin.key } });
    expect(del.status).toBeLessThan(300);
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Mantis' }).waitFor();
    await context.close();
  });

  it('works at 390 px wide and by keyboard alone', async () => {
    const user = await createUser(t.prisma, { team, role: 'operator' });
    const { context, page } = await newConsole(browser, t.url!, { width: 390, height: 844 });
    await page.goto('/console/login');
    await page.getByRole('button', { name: 'Sign in with SSO' }).waitFor();
    for (let i = 0; i < 6 && (await page.evaluate('document.activeElement && document.activeElement.id')) !== 'api-key'; i++) await page.keyboard.press('Tab');
    await page.keyboard.type(user.key);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    // Runs in the page, where the DOM exists; the test's own tsconfig has no DOM types.
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'runs-mobile');
    await context.close();
  });
});
