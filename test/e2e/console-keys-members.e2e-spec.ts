import type { Browser, Page, Request } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { launchBrowser, newConsole, shot, signInWithKey } from '../support/console-browser.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';

// Real Chromium against a listening server: the keys and members pages of a team owner.
describe('Console: keys and members', { timeout: 120_000 }, () => {
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

  const api = (key: string, method: string, path: string, body?: unknown) =>
    fetch(`${t.url}${path}`, {
      method,
      headers: { 'x-mantis-token': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  async function ownerConsole(team: TeamFixture, page = 'keys') {
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const { context, page: p } = await newConsole(browser, t.url!);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    await signInWithKey(p, owner.key, `/console/teams/${team.slug}/${page}`);
    return { owner, context, page: p };
  }

  async function createServiceAccount(page: Page, name: string) {
    await page.getByRole('button', { name: 'Create service account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create service account' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Role').selectOption('operator');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: `${name} (operator)` }).waitFor();
  }

  it('a team owner creates a service account and a key, sees it once, copies it, uses it, revokes it and the API refuses it', async () => {
    const team = await createTeam(t.prisma);
    const { context, page } = await ownerConsole(team);
    await page.getByRole('heading', { name: 'Keys' }).waitFor();
    await expect(page.getByRole('heading', { name: 'Keys' }).count()).resolves.toBe(1);
    await createServiceAccount(page, 'ci-bot');

    await page.getByRole('button', { name: 'Create key' }).click();
    const form = page.getByRole('dialog', { name: 'Create key' });
    await expect(form.getByLabel('Account').inputValue()).resolves.toBe('service:ci-bot');
    await form.getByLabel('Name').fill('deploy');
    // The API's field error appears beside the field it names, and no key is made.
    await form.getByLabel('Expires in').fill('9999d');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await form.locator('.field', { hasText: 'Expires in' }).getByText('must be at most 3650d').waitFor();
    expect(await t.prisma.apiKey.count({ where: { name: 'deploy' } })).toBe(0);
    await form.getByLabel('Expires in').fill('30d');
    await form.getByRole('checkbox', { name: 'logs' }).uncheck();
    await form.getByRole('button', { name: 'Create', exact: true }).click();

    const shown = page.getByRole('dialog', { name: 'New key deploy' });
    const key = await shown.getByLabel('New key').inputValue();
    expect(key).toMatch(/^mk_[0-9a-f]{64}$/);
    await expect(shown.getByText(/cannot be shown again/).isVisible()).resolves.toBe(true);
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByText('Copied to the clipboard.').waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(key);
    await shot(page, 'keys-new-key');
    await shown.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('row', { name: /deploy/ }).waitFor();
    expect(await page.content()).not.toContain(key);

    const me = await api(key, 'GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(((await me.json()) as { scopes: string[] }).scopes.sort()).toEqual(['result', 'run', 'status']);

    // Cancel changes nothing; Confirm revokes.
    const row = page.getByRole('row', { name: /deploy/ });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke key deploy?' }).getByRole('button', { name: 'Cancel' }).click();
    expect((await api(key, 'GET', '/api/v1/me')).status).toBe(200);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke key deploy?' }).getByRole('button', { name: 'Confirm' }).click();
    await row.getByText(/^Revoked /).waitFor();
    await expect(row.getByRole('button', { name: 'Revoke' }).count()).resolves.toBe(0);
    const refused = await api(key, 'GET', '/api/v1/me');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
    await shot(page, 'keys');
    await page.getByRole('button', { name: 'Delete service account ci-bot' }).click();
    await page.getByRole('dialog', { name: 'Delete service account ci-bot?' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'ci-bot (operator)' }).waitFor({ state: 'detached' });
    expect(await t.prisma.user.count({ where: { kind: 'service', memberships: { some: { teamId: team.id } } } })).toBe(0);
    await context.close();
  });

  it("rotate shows the new key once and the old one's expiry after the overlap", async () => {
    const team = await createTeam(t.prisma);
    const { owner, context, page } = await ownerConsole(team);
    expect((await api(owner.key, 'POST', `/api/v1/teams/${team.slug}/service-accounts`, { name: 'etl', role: 'operator' })).status).toBe(201);
    const first = await api(owner.key, 'POST', `/api/v1/teams/${team.slug}/service-accounts/etl/api-keys`, { name: 'nightly' });
    const oldKey = ((await first.json()) as { key: string }).key;
    await page.reload();
    const row = page.getByRole('row', { name: /nightly/ });
    await row.getByRole('button', { name: 'Rotate' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate key nightly?' });
    await confirm.getByLabel('Overlap').fill('1h');
    await confirm.getByRole('button', { name: 'Confirm' }).click();

    const shown = page.getByRole('dialog', { name: 'New key nightly' });
    const newKey = await shown.getByLabel('New key').inputValue();
    expect(newKey).toMatch(/^mk_[0-9a-f]{64}$/);
    expect(newKey).not.toBe(oldKey);
    const listed = (await (await api(owner.key, 'GET', `/api/v1/teams/${team.slug}/service-accounts/etl/api-keys`)).json()) as {
      data: { prefix: string; expires_at: string | null; revoked_at: string | null }[];
    };
    const old = listed.data.find((k) => k.prefix === oldKey.slice(0, 9))!;
    const hour = Date.parse(old.expires_at!) - Date.now();
    expect(hour).toBeGreaterThan(55 * 60_000);
    expect(hour).toBeLessThanOrEqual(60 * 60_000);
    const shownExpiry = await page.evaluate(`new Date(${JSON.stringify(old.expires_at)}).toLocaleString()`);
    await expect(shown.getByText(`The old key ${old.prefix}… expires ${shownExpiry}.`).isVisible()).resolves.toBe(true);
    await shot(page, 'keys-rotated');
    // Both work during the overlap.
    expect((await api(oldKey, 'GET', '/api/v1/me')).status).toBe(200);
    expect((await api(newKey, 'GET', '/api/v1/me')).status).toBe(200);
    await shown.getByRole('button', { name: 'Done' }).click();
    await expect(row.getByRole('cell', { name: shownExpiry as string }).count()).resolves.toBe(1);
    await context.close();
  });

  it('a double-clicked Create makes one key: one request, with an Idempotency-Key, and the key shown', async () => {
    const team = await createTeam(t.prisma);
    const { owner, context, page } = await ownerConsole(team);
    const posts: Request[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api-keys')) posts.push(r);
    });
    await page.getByRole('button', { name: 'Create key' }).click();
    const form = page.getByRole('dialog', { name: 'Create key' });
    await expect(form.getByLabel('Account').inputValue()).resolves.toBe(`user:${owner.email}`);
    await form.getByLabel('Name').fill('laptop');
    await form.getByRole('button', { name: 'Create', exact: true }).dblclick();
    const key = await page.getByRole('dialog', { name: 'New key laptop' }).getByLabel('New key').inputValue();
    expect(key).toMatch(/^mk_/);
    await expect(
      page
        .getByRole('alert')
        .filter({ hasText: /taken|conflict|exists/i })
        .count(),
    ).resolves.toBe(0);
    expect(await t.prisma.apiKey.count({ where: { userId: owner.id, name: 'laptop' } })).toBe(1);
    expect(posts).toHaveLength(1);
    expect(posts[0].headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    await context.close();
  });

  it('a team owner is not offered team_owner for a member, and a forged request for it is 403', async () => {
    const team = await createTeam(t.prisma);
    const viewer = await createUser(t.prisma, { team, role: 'viewer' });
    const { context, page } = await ownerConsole(team, 'members');
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(viewer.email) });
    const select = row.getByLabel('Role');
    // allTextContents does not wait: wait for the member's row to render first.
    await select.waitFor();
    await expect(select.locator('option').allTextContents()).resolves.toEqual(['viewer', 'operator', 'auditor']);
    const addForm = page.getByRole('form', { name: 'Add a member' });
    await expect(addForm.getByLabel('Role').locator('option').allTextContents()).resolves.toEqual(['viewer', 'operator', 'auditor']);

    await select.selectOption('operator');
    await row.getByText(`Role of ${viewer.email} is now operator.`).waitFor();
    const membership = () => t.prisma.membership.findFirstOrThrow({ where: { userId: viewer.id, teamId: team.id } });
    expect((await membership()).role).toBe('operator');

    const forged = (await page.evaluate(
      async ([email, slug]) => {
        const s = (await (await fetch('/auth/session')).json()) as { csrf_token: string };
        const res = await fetch(`/api/v1/users/${encodeURIComponent(email)}/role`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf_token },
          body: JSON.stringify({ team: slug, role: 'team_owner' }),
        });
        return { status: res.status, body: await res.json() };
      },
      [viewer.email, team.slug] as const,
    )) as { status: number; body: { error: { code: string } } };
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('insufficient_role');
    expect((await membership()).role).toBe('operator');

    // A new user is added; adding someone already in the team shows the API's reason.
    await addForm.getByLabel('Email').fill('newbie@example.com');
    await addForm.getByLabel('Role').selectOption('auditor');
    await addForm.getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('row', { name: /newbie@example\.com/ }).waitFor();
    expect(await t.prisma.user.count({ where: { email: 'newbie@example.com', memberships: { some: { teamId: team.id, role: 'auditor' } } } })).toBe(1);
    await addForm.getByLabel('Email').fill(viewer.email);
    await addForm.getByRole('button', { name: 'Add member' }).click();
    await expect(addForm.getByRole('alert').textContent()).resolves.toMatch(/already a member/);
    await shot(page, 'members');
    await context.close();
  });
});
