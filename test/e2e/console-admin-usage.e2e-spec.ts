import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, newConsole, shot, signInWithKey } from '../support/console-browser.js';
import { createTeam, createUser } from '../support/factories.js';

// Real Chromium against a listening server: usage and the admin pages.
describe('Console: usage, admin teams and users', { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await buildTestApp({ listen: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the usage table matches GET …/usage, the bar states the figures, and an admin edits the budget', async () => {
    const team = await createTeam(t.prisma, { monthlyBudgetUsd: 50 });
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const admin = await createUser(t.prisma, { admin: true });
    const now = new Date();
    const yesterday = new Date(now.getTime() - 86_400_000);
    const run = (data: { status: string; costUsd?: number; reservedUsd?: number; finishedAt?: Date | null; createdAt?: Date }) =>
      t.prisma.run.create({
        data: {
          id: `run_${randomBytes(8).toString('hex')}`,
          teamId: team.id,
          plan: { steps: [] },
          maxCost: 5,
          maxTimeMinutes: 5,
          maxSteps: 5,
          maxLoopIterations: 5,
          ...data,
        },
      });
    await run({ status: 'succeeded', costUsd: 1.25, finishedAt: now });
    await run({ status: 'failed', costUsd: 0.5, finishedAt: now });
    await run({ status: 'running', reservedUsd: 5 });
    if (yesterday.getUTCMonth() === now.getUTCMonth()) await run({ status: 'succeeded', costUsd: 2, finishedAt: yesterday, createdAt: yesterday });

    const res = await fetch(`${t.url}/api/v1/teams/${team.slug}/usage`, { headers: { 'x-mantis-token': owner.key } });
    const usage = (await res.json()) as {
      month: { spent_usd: number; reserved_usd: number; budget_usd: number };
      days: { date: string; runs: number; cost_usd: number }[];
    };

    const { context, page } = await newConsole(browser, t.url!);
    await signInWithKey(page, owner.key, `/console/teams/${team.slug}/usage`);
    await page.getByRole('heading', { name: 'Usage' }).waitFor();
    const table = page.getByRole('table', { name: 'Runs and cost per day' });
    await table.waitFor();
    const rows = await Promise.all((await table.locator('tbody tr').all()).map((tr) => tr.locator('th, td').allTextContents()));
    expect(rows.map(([date, runs, cost]) => ({ date, runs: Number(runs), cost_usd: Number(cost.replace('$', '')) }))).toEqual(usage.days);
    expect(usage.days.some((d) => d.runs > 0)).toBe(true);
    await expect(page.getByRole('img', { name: /Runs and cost per day/ }).count()).resolves.toBe(1);
    const money = (v: number) => `$${v.toFixed(v < 1 ? 4 : 2)}`;
    const { spent_usd: spent, reserved_usd: reserved } = usage.month;
    await page.getByText(`Spent ${money(spent)} and reserved ${money(reserved)} of a $50.00 monthly budget`).waitFor();
    // Owners read the budget; only admins change it.
    await expect(page.getByLabel('Monthly budget (USD)').count()).resolves.toBe(0);
    await shot(page, 'usage');
    await context.close();

    const adminConsole = await newConsole(browser, t.url!);
    await signInWithKey(adminConsole.page, admin.key, `/console/teams/${team.slug}/usage`);
    const budget = adminConsole.page.getByLabel('Monthly budget (USD)');
    await budget.fill('80');
    await adminConsole.page.getByRole('button', { name: 'Save' }).click();
    await adminConsole.page.getByText(/of a \$80\.00 monthly budget/).waitFor();
    expect((await t.prisma.team.findUniqueOrThrow({ where: { id: team.id } })).monthlyBudgetUsd).toBe(80);
    await adminConsole.context.close();
  });

  it('an admin creates a team with caps and budget, edits it, and deletes it after typing its slug', async () => {
    const admin = await createUser(t.prisma, { admin: true });
    const { context, page } = await newConsole(browser, t.url!);
    await signInWithKey(page, admin.key, '/console/admin/teams');
    await page.getByRole('heading', { name: 'Teams' }).waitFor();
    const slug = `ops-${randomBytes(3).toString('hex')}`;
    await page.getByRole('button', { name: 'Create team' }).click();
    const form = page.getByRole('dialog', { name: 'Create team' });
    await form.getByLabel('Name').fill('Operations');
    await form.getByLabel('Slug').fill(slug);
    await form.getByLabel('Max concurrent runs').fill('20000');
    await form.getByLabel('Monthly budget (USD)').fill('120');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    // The API refuses more than its maximum and says so beside the field.
    await form.locator('.field', { hasText: 'Max concurrent runs' }).locator('.field-error').waitFor();
    expect(await t.prisma.team.count({ where: { slug } })).toBe(0);
    await form.getByLabel('Max concurrent runs').fill('3');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    const row = page.getByRole('row', { name: new RegExp(slug) });
    await row.waitFor();
    expect(await t.prisma.team.findUniqueOrThrow({ where: { slug } })).toMatchObject({ name: 'Operations', maxConcurrentRuns: 3, monthlyBudgetUsd: 120 });

    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: `Edit team ${slug}` });
    await edit.getByLabel('Rate limit per minute').fill('45');
    await edit.getByRole('button', { name: 'Save' }).click();
    await row.getByRole('cell', { name: '45', exact: true }).waitFor();
    expect((await t.prisma.team.findUniqueOrThrow({ where: { slug } })).rateLimitPerMinute).toBe(45);
    await shot(page, 'admin-teams');

    await row.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: `Delete team ${slug}?` });
    await expect(confirm.getByRole('button', { name: 'Confirm' }).isDisabled()).resolves.toBe(true);
    await confirm.getByLabel('Slug').fill('wrong');
    await expect(confirm.getByRole('button', { name: 'Confirm' }).isDisabled()).resolves.toBe(true);
    await confirm.getByLabel('Slug').fill(slug);
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await t.prisma.team.count({ where: { slug } })).toBe(0);
    await context.close();
  });

  it('an admin creates a user, gives them a role and deletes them; a non-admin gets no admin page', async () => {
    const team = await createTeam(t.prisma);
    const admin = await createUser(t.prisma, { admin: true });
    const { context, page } = await newConsole(browser, t.url!);
    await signInWithKey(page, admin.key, '/console/admin/users');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    const email = `grace-${randomBytes(3).toString('hex')}@example.com`;
    await page.getByRole('button', { name: 'Create user' }).click();
    const form = page.getByRole('dialog', { name: 'Create user' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Name').fill('Grace');
    await form.getByLabel('Team').selectOption(team.slug);
    await form.getByLabel('Role').selectOption('operator');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    const row = page.getByRole('row', { name: new RegExp(email) });
    await row.getByText(`${team.slug}: operator`).waitFor();

    await row.getByRole('button', { name: 'Change role' }).click();
    const role = page.getByRole('dialog', { name: `Role of ${email}` });
    await role.getByLabel('Role').selectOption('team_owner');
    await role.getByRole('button', { name: 'Save' }).click();
    await row.getByText(`${team.slug}: team_owner`).waitFor();
    await shot(page, 'admin-users');

    await row.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: `Delete user ${email}?` })
      .getByRole('button', { name: 'Confirm' })
      .click();
    await row.waitFor({ state: 'detached' });
    expect(await t.prisma.user.count({ where: { email } })).toBe(0);
    await context.close();

    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const other = await newConsole(browser, t.url!);
    await signInWithKey(other.page, owner.key, '/console/admin/teams');
    await other.page.getByRole('alert').waitFor();
    await expect(other.page.getByRole('button', { name: 'Create team' }).count()).resolves.toBe(0);
    await expect(other.page.getByRole('link', { name: 'Admin' }).count()).resolves.toBe(0);
    await other.context.close();
  });
  it('every administration page works at 390 px wide, with no Content-Security-Policy violation', async () => {
    const team = await createTeam(t.prisma, { monthlyBudgetUsd: 10 });
    const admin = await createUser(t.prisma, { admin: true, team, role: 'team_owner' });
    const { context, page } = await newConsole(browser, t.url!, { width: 390, height: 844 });
    const csp: string[] = [];
    page.on('console', (m) => {
      if (/content security policy/i.test(m.text())) csp.push(m.text());
    });
    await signInWithKey(page, admin.key, `/console/teams/${team.slug}/keys`);
    for (const [path, heading] of [
      [`teams/${team.slug}/keys`, 'Keys'],
      [`teams/${team.slug}/members`, 'Members'],
      [`teams/${team.slug}/secrets`, 'Secrets'],
      [`teams/${team.slug}/workflows`, 'Workflows'],
      [`teams/${team.slug}/webhooks`, 'Webhooks'],
      [`teams/${team.slug}/usage`, 'Usage'],
      ['admin/teams', 'Teams'],
      ['admin/users', 'Users'],
    ]) {
      await page.goto(`/console/${path}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page
        .getByRole('status')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      // Runs in the page, where the DOM exists; the test's own tsconfig has no DOM types.
      const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    // The budget bar's widths are set through the CSSOM, which the console's CSP allows.
    expect(csp).toEqual([]);
    await shot(page, 'admin-users-mobile');
    await context.close();
  });
});
