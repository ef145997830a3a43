import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, newConsole, shot, signInWithKey } from '../support/console-browser.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

/** A POST with the page's own session cookie and CSRF token, as a forged console request would be. */
function postAsConsole(page: Page, url: string): Promise<{ status: number; code?: string }> {
  return page.evaluate(async (u) => {
    const s = (await (await fetch('/auth/session')).json()) as { csrf_token: string };
    const res = await fetch(u, { method: 'POST', headers: { 'x-csrf-token': s.csrf_token } });
    const body = (await res.json()) as { error?: { code: string } };
    return { status: res.status, code: body.error?.code };
  }, url);
}

// The API without a worker first, so a run stays queued until the test starts one.
describe('Console: runs, a run, and the audit log in the browser', { timeout: 180_000 }, () => {
  let t: TestApp;
  let worker: TestApp | undefined;
  let site: TestSite;
  let browser: Browser;
  let team: TeamFixture;
  let operator: UserFixture;
  let runId = '';

  beforeAll(async () => {
    site = await startTestSite();
    t = await buildTestApp({ listen: true, roles: ['api'] });
    browser = await launchBrowser();
    team = await createTeam(t.prisma, { allowedDomains: ['127.0.0.1'] });
    operator = await createUser(t.prisma, { team, role: 'operator' });
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await t?.close();
    await site?.close();
  });

  it('an operator watches a run go from queued to succeeded without reloading, then sees its screenshot and plays its video; a viewer cannot cancel it', async () => {
    const { context, page, csp } = await newConsole(browser, t.url!);
    await signInWithKey(page, operator.key, `/console/teams/${team.slug}/runs`);
    await page.getByRole('heading', { name: 'Runs' }).waitFor();

    const res = await fetch(`${t.url}/v1/predict`, {
      method: 'POST',
      headers: { 'x-mantis-token': operator.key, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'run', detached: true, plan: { start_url: `${site.url}/`, steps: [{ click: '#next' }, { screenshot: 'list page' }] } }),
    });
    expect(res.status).toBe(202);
    runId = ((await res.json()) as { run_id: string }).run_id;
    const row = page.getByRole('row').filter({ hasText: runId });
    await row.getByText('queued').waitFor();
    for (const name of ['Run', 'Status', 'Workflow', 'Created', 'Cost'])
      await expect(page.getByRole('columnheader', { name, exact: true }).count()).resolves.toBe(1);

    // Before any worker runs it: the viewer sees no "Cancel run" and a forged cancel is refused; the operator has the button.
    const viewer = await createUser(t.prisma, { team, role: 'viewer' });
    const v = await newConsole(browser, t.url!);
    await signInWithKey(v.page, viewer.key, `/console/teams/${team.slug}/runs/${runId}`);
    await v.page.getByRole('heading', { name: new RegExp(runId) }).waitFor();
    await v.page.getByText('queued').first().waitFor();
    await expect(v.page.getByRole('button', { name: 'Cancel run' }).count()).resolves.toBe(0);
    await expect(postAsConsole(v.page, `/api/v1/teams/${team.slug}/runs/${runId}/cancel`)).resolves.toEqual({ status: 403, code: 'insufficient_role' });
    await shot(v.page, 'run-viewer');
    const op = await context.newPage();
    await op.goto(`/console/teams/${team.slug}/runs/${runId}`);
    await op.getByRole('button', { name: 'Cancel run' }).waitFor();
    await op.close();

    worker = await buildTestApp({ roles: ['worker'], databaseUrl: t.databaseUrl, env: { MANTIS_DATA_DIR: t.dataDir, MANTIS_WORKER_POLL_MS: '100' } });
    await row
      .getByText('succeeded')
      .waitFor({ timeout: 90_000 })
      .catch(async (e) => {
        const r = await t.prisma.run.findUnique({ where: { id: runId } });
        await shot(page, 'runs-debug');
        throw new Error(`${e}\nrun row: ${JSON.stringify({ status: r?.status, error: r?.error })}`);
      });
    await shot(page, 'runs');
    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No failed runs in this team.').waitFor();
    await page.getByLabel('Status').selectOption('succeeded');
    await row.getByText('succeeded').waitFor();
    // The viewer's run page followed the run's event stream: finished, without a reload, still without "Cancel run".
    await v.page
      .getByRole('list', { name: 'Event timeline' })
      .getByText(/Run succeeded after \d+ ms/)
      .waitFor();
    await v.page.locator('.facts').getByText('succeeded').waitFor();
    await expect(v.page.getByRole('button', { name: 'Cancel run' }).count()).resolves.toBe(0);
    await v.context.close();

    await row.getByRole('link', { name: runId }).click();
    await page.getByRole('heading', { name: new RegExp(runId) }).waitFor();
    await expect(page.getByRole('button', { name: 'Cancel run' }).count()).resolves.toBe(0);
    await page
      .getByRole('list', { name: 'Event timeline' })
      .getByText(/Step 2 \(screenshot\) succeeded in \d+ ms/)
      .waitFor();
    const img = page.getByRole('img', { name: 'list page' });
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as unknown as { complete: boolean; naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await expect(page.getByLabel('Result JSON').textContent()).resolves.toMatch(/"screenshots"/);
    const video = page.locator('video');
    await video.waitFor();
    // Played for real: muted autoplay is allowed, and time moves only when frames decode.
    const played = await video.evaluate(
      (el) =>
        new Promise<number>((resolve, reject) => {
          const v = el as unknown as { muted: boolean; currentTime: number; play(): Promise<void>; addEventListener(t: string, f: () => void): void };
          v.muted = true;
          v.addEventListener('error', () => reject(new Error('video error')));
          v.addEventListener('timeupdate', () => v.currentTime > 0 && resolve(v.currentTime));
          v.play().catch(reject);
        }),
    );
    expect(played).toBeGreaterThan(0);
    expect(csp).toEqual([]);
    await shot(page, 'run');
    await context.close();
  });

  it('an auditor filters by action and outcome, reads an event with its hashes, verifies the chain and downloads a CSV that matches the API', async () => {
    // One more run.create of its own, so this test stands alone; the worker (if any) is not needed.
    const submit = await fetch(`${t.url}/v1/predict`, {
      method: 'POST',
      headers: { 'x-mantis-token': operator.key, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'run', detached: true, plan: { start_url: `${site.url}/`, steps: [{ click: '#next' }] } }),
    });
    expect(submit.status).toBe(202);
    const auditor = await createUser(t.prisma, { team, role: 'auditor' });
    const { context, page } = await newConsole(browser, t.url!);
    await signInWithKey(page, auditor.key, `/console/teams/${team.slug}/audit`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('table').waitFor();
    await page.getByLabel('Action').fill('run.create');
    await page.getByLabel('Outcome').selectOption('success');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const api = (path: string) => fetch(`${t.url}/api/v1/teams/${team.slug}/${path}`, { headers: { 'x-mantis-token': auditor.key } });
    const expected = (
      (await (await api('audit-events?action=run.create&outcome=success')).json()) as { data: { hash: string; prev_hash: string; id: string }[] }
    ).data;
    expect(expected.length).toBeGreaterThan(0);
    const [event] = expected;
    const body = page.locator('tbody tr');
    await expect.poll(() => body.count()).toBe(expected.length);
    for (const text of await body.allTextContents()) expect(text).toMatch(/run\.create.*success/);
    await body
      .first()
      .getByRole('button', { name: /Details/ })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(event.hash).waitFor();
    await expect(dialog.getByText(event.prev_hash).count()).resolves.toBe(1);
    await shot(page, 'audit-event');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Chain verified' }).textContent()).resolves.toMatch(/Chain verified: \d+ events checked/);
    await shot(page, 'audit');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const fromApi = await (await api('audit-events/export?format=csv&action=run.create&outcome=success')).text();
    expect(csv).toBe(fromApi);
    expect(csv.trim().split('\r\n')).toHaveLength(expected.length + 1);
    expect(csv).toContain(event.id);
    await expect(page.getByRole('link', { name: 'Export NDJSON' }).getAttribute('href')).resolves.toMatch(/format=ndjson&action=run.create&outcome=success/);
    // "Save signed head" exists exactly when the server signs chain heads.
    const signed = (await api('audit-events/head')).status === 200;
    await expect(page.getByRole('button', { name: 'Save signed head' }).count()).resolves.toBe(signed ? 1 : 0);
    await expect(page.getByLabel('All teams').count()).resolves.toBe(0);
    await context.close();

    // Admins get the cross-team log.
    const otherTeam = await createTeam(t.prisma);
    const stranger = await createUser(t.prisma, { team: otherTeam, role: 'team_owner' });
    await fetch(`${t.url}/api/v1/teams/${otherTeam.slug}/secrets/cross_team_probe`, {
      method: 'PUT',
      headers: { 'x-mantis-token': stranger.key, 'content-type': 'application/json' },
      body: '{"value":"v"}',
    });
    const admin = await createUser(t.prisma, { admin: true, team, role: 'team_owner' });
    const a = await newConsole(browser, t.url!);
    await signInWithKey(a.page, admin.key, `/console/teams/${team.slug}/audit`);
    await a.page.getByRole('table').waitFor();
    await expect(a.page.getByRole('cell', { name: otherTeam.slug }).count()).resolves.toBe(0);
    await a.page.getByLabel('All teams').check();
    await a.page.getByRole('columnheader', { name: 'Team' }).waitFor();
    await a.page.getByRole('row').filter({ hasText: 'secret.update' }).getByRole('cell', { name: otherTeam.slug }).waitFor();
    await a.context.close();
  });
});
