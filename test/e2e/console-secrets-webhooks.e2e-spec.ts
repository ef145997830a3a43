import type { Browser, Response } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunCompletionNotifier } from '../../src/modules/webhooks/run-completion.port.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { loadPlaywright } from '../../src/modules/executor/playwright-runtime.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';
import { startTestSite, type TestSite } from '../support/test-site.js';
import { eventually, WebhookReceiver } from '../support/webhook-receiver.js';

// Loaded after the app's executor has loaded Playwright with its browsers path, so runs can record video.
let newConsole: typeof import('../support/console-browser.js').newConsole;
let shot: typeof import('../support/console-browser.js').shot;
let signInWithKey: typeof import('../support/console-browser.js').signInWithKey;

const PASSWORD = 'pw-C0ns0le-Sekr3t!';
const FORM_ENCODED = new URLSearchParams({ v: PASSWORD }).toString().slice(2);

// Real Chromium twice over: the console's page, and the run's browser typing the secret into the test site.
describe('Console: secrets, workflows and webhooks', { timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let site: TestSite;
  let rx: WebhookReceiver;

  beforeAll(async () => {
    site = await startTestSite({ password: PASSWORD });
    rx = await WebhookReceiver.start();
    t = await buildTestApp({
      listen: true,
      roles: ['api', 'worker'],
      // The test site and receiver live on loopback.
      env: { MANTIS_WORKER_POLL_MS: '50', MANTIS_WEBHOOK_ALLOW_PRIVATE: 'true', MANTIS_WEBHOOK_RETRY_SCHEDULE: '0', MANTIS_BROWSER_ALLOW_PRIVATE: 'true' },
    });
    await loadPlaywright(t.config.browser.playwrightBrowsersPath, t.config.browser.ffmpegPath);
    const consoleBrowser = await import('../support/console-browser.js');
    ({ newConsole, shot, signInWithKey } = consoleBrowser);
    browser = await consoleBrowser.launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await site?.close();
    await rx?.close();
  });

  it('a secret set in the console is typed by a run started from the Workflows page, and never comes back in any response', async () => {
    const team = await createTeam(t.prisma, { allowedDomains: ['127.0.0.1'] });
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const plan = {
      steps: [
        { navigate: `${site.url}/login` },
        { fill: { selector: '#user', value: '{{inputs.user}}' } },
        { fill: { selector: '#password', value: '{{secrets.site_pw}}' } },
        { click: '#login' },
        { extract: { name: 'who', selector: '#who' } },
      ],
    };
    const applied = await fetch(`${t.url}/api/v1/teams/${team.slug}/workflows/site-login`, {
      method: 'PUT',
      headers: { 'x-mantis-token': owner.key, 'content-type': 'application/json' },
      body: JSON.stringify({ plan, description: 'Signs in to the test site' }),
    });
    expect(applied.status).toBe(201);

    const { context, page } = await newConsole(browser, t.url!);
    const bodies: Promise<string>[] = [];
    page.on('response', (r: Response) =>
      bodies.push(
        r.body().then(
          (b) => JSON.stringify(r.headers()) + b.toString('utf8'),
          () => JSON.stringify(r.headers()),
        ),
      ),
    );
    await signInWithKey(page, owner.key, `/console/teams/${team.slug}/secrets`);
    await page.getByRole('heading', { name: 'Secrets' }).waitFor();
    const form = page.getByRole('form', { name: 'Set a secret' });
    await form.getByLabel('Name').fill('site_pw');
    await expect(form.getByLabel('Value').getAttribute('type')).resolves.toBe('password');
    await form.getByLabel('Value').fill(PASSWORD);
    await form.getByRole('button', { name: 'Set secret' }).click();
    const row = page.getByRole('row', { name: /site_pw/ });
    await row.waitFor();
    await expect(form.getByLabel('Value').inputValue()).resolves.toBe('');
    await shot(page, 'secrets');

    await page.getByRole('link', { name: 'Workflows', exact: true }).click();
    await page.getByRole('heading', { name: 'site-login' }).waitFor();
    await page.getByText('Signs in to the test site').waitFor();
    await page.getByText('Plan JSON').click();
    await expect(page.getByLabel('Plan of site-login').textContent()).resolves.toContain('{{secrets.site_pw}}');
    await shot(page, 'workflows');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Run site-login' });
    await dialog.getByLabel('user').fill('ada');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/run_/);
    await page
      .locator('.badge', { hasText: /^(succeeded|failed)$/ })
      .first()
      .waitFor({ timeout: 90_000 });
    await expect(page.locator('.badge', { hasText: /^succeeded$/ }).count(), await page.locator('main').innerText()).resolves.toBeGreaterThan(0);
    await page.getByLabel('Result JSON').filter({ hasText: 'Signed in as ada' }).waitFor();
    await shot(page, 'run-from-workflow');
    expect(site.hits.some((h) => new URLSearchParams(h.body).get('password') === PASSWORD)).toBe(true);

    // Everything the console received, headers included: the value is in none of it.
    await page.reload();
    await page.getByLabel('Result JSON').waitFor();
    const received = await Promise.all(bodies);
    expect(received.length).toBeGreaterThan(10);
    for (const text of received) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
      expect(text).not.toContain(FORM_ENCODED);
    }

    // Delete asks first.
    await page.goto(`/console/teams/${team.slug}/secrets`);
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete secret site_pw?' }).getByRole('button', { name: 'Confirm' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await t.prisma.secret.count({ where: { teamId: team.id, name: 'site_pw' } })).toBe(0);
    await context.close();
  });

  /** A delivery stored as already failed in the same transaction, so the running sender never picks it up. */
  async function failedDelivery(team: TeamFixture, path: string): Promise<string> {
    const runId = `run_${Math.random().toString(36).slice(2)}`;
    await t.app.get(PrismaService).$transaction(async (tx) => {
      await t.app.get(RunCompletionNotifier).enqueue(tx, team.id, { run_id: runId }, rx.url(path));
      await tx.webhookDelivery.updateMany({ where: { runId }, data: { status: 'failed', attempts: 3, lastStatusCode: 500 } });
    });
    return (await t.prisma.webhookDelivery.findFirstOrThrow({ where: { teamId: team.id, runId } })).id;
  }

  it('lists deliveries newest first; a failed one retried from the page succeeds against the receiver', async () => {
    const team = await createTeam(t.prisma, { webhookUrl: rx.url('/team-hook') });
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const older = await failedDelivery(team, '/older');
    const newer = await failedDelivery(team, '/newer');
    rx.answer([{ status: 200 }]);

    const { context, page } = await newConsole(browser, t.url!);
    await signInWithKey(page, owner.key, `/console/teams/${team.slug}/webhooks`);
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByText(rx.url('/team-hook')).waitFor();
    await page.getByRole('row', { name: /\/older/ }).waitFor();
    const rows = page.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.nth(0).textContent()).resolves.toContain('/newer');
    await expect(rows.nth(1).textContent()).resolves.toContain('/older');
    const row = page.getByRole('row', { name: /\/newer/ });
    await expect(row.getByRole('cell', { name: '500', exact: true }).count()).resolves.toBe(1);
    await expect(row.getByRole('cell', { name: '3', exact: true }).count()).resolves.toBe(1);
    await row.getByRole('button', { name: 'Retry' }).click();
    await row.getByText('succeeded').waitFor();
    await row.getByRole('cell', { name: '200', exact: true }).waitFor();
    await expect(row.getByRole('button', { name: 'Retry' }).count()).resolves.toBe(0);
    await eventually(() => rx.to('/newer').length === 1, 10_000, 'the retried delivery');
    expect(rx.to('/older')).toHaveLength(0);
    expect((await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: newer } })).status).toBe('succeeded');
    expect((await t.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: older } })).status).toBe('failed');
    // Owners see the URL; admins change it.
    await expect(page.getByLabel('Webhook URL').count()).resolves.toBe(0);
    await shot(page, 'webhooks');
    await context.close();

    const admin = await createUser(t.prisma, { admin: true });
    const adminConsole = await newConsole(browser, t.url!);
    await signInWithKey(adminConsole.page, admin.key, `/console/teams/${team.slug}/webhooks`);
    const url = adminConsole.page.getByLabel('Webhook URL');
    await expect(url.inputValue()).resolves.toBe(rx.url('/team-hook'));
    await url.fill(rx.url('/moved'));
    await adminConsole.page.getByRole('button', { name: 'Save' }).click();
    await adminConsole.page.getByText(`Deliveries now go to ${rx.url('/moved')}.`).waitFor();
    expect((await t.prisma.team.findUniqueOrThrow({ where: { id: team.id } })).webhookUrl).toBe(rx.url('/moved'));
    await adminConsole.context.close();
  });
});
