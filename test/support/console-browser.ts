import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Browser, BrowserContext, Page } from 'playwright';
import { loadPlaywright } from '../../src/modules/executor/playwright-runtime.js';

/** Where each console test leaves a screenshot of its page (README shows some from docs/console/). */
export const CONSOLE_SHOTS = join(process.cwd(), 'test-results', 'console');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * One Chromium per test file; each test gets its own context (its own cookies).
 * Playwright is loaded the way the executor loads it (it fixes where ffmpeg is
 * for the whole process), so a worker in this process still records video.
 */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await loadPlaywright(join(tmpdir(), 'mantis-console-tests-playwright'), '/usr/bin/ffmpeg');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
}

/** A fresh context and page; `csp` collects every Content-Security-Policy violation the page reports. */
export async function newConsole(
  browser: Browser,
  baseURL: string,
  opts: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page; csp: string[] }> {
  const context = await browser.newContext({ baseURL, viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const csp: string[] = [];
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) csp.push(m.text());
  });
  return { context, page, csp };
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(CONSOLE_SHOTS, { recursive: true });
  await page.screenshot({ path: join(CONSOLE_SHOTS, `${name}.png`), fullPage: true });
}

/** Signs in on the console's own sign-in page with an API key. */
export async function signInWithKey(page: Page, key: string, path = '/console/'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in with API key' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
