import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool, chromiumLaunchOptions } from '../../src/modules/executor/browser-pool.js';
import { loadPlaywright } from '../../src/modules/executor/playwright-runtime.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { executePlan } from '../support/executor-harness.js';
import { createTeam } from '../support/factories.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

/** A uid and gid no account on this machine has: Chromium under it owns nothing but what it makes. */
const BROWSER_UID = 64_999;

interface Proc {
  pid: number;
  ppid: number;
  uid: number;
  capEff: string;
  cmdline: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      out.push({
        pid: Number(name),
        ppid: Number(/PPid:\s+(\d+)/.exec(status)![1]),
        uid: Number(/Uid:\s+(\d+)/.exec(status)![1]),
        capEff: /CapEff:\s+(\w+)/.exec(status)![1],
        cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' '),
      });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The Chromium processes this test process started (directly or through the launcher). */
function chromiumsOfThisProcess(): Proc[] {
  const all = processes();
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const descends = (p: Proc): boolean => {
    for (let q: Proc | undefined = p; q; q = byPid.get(q.ppid)) if (q.ppid === process.pid) return true;
    return false;
  };
  return all.filter((p) => /\/chromium\/chromium /.test(p.cmdline) && descends(p));
}

/**
 * MANTIS_BROWSER_UID: Chromium runs as its own unprivileged user (through
 * scripts/chromium-as-user.sh), with a private profile, no capabilities and
 * none of the worker's environment, so even a browser that loaded a file:
 * URL could read nothing of the data or secrets directory.
 */
describe('executor: Chromium under its own user', { timeout: 120_000 }, () => {
  let t: TestApp;
  let site: TestSite;
  let dataDir: string;
  let browser: Browser | null = null;
  const canary = `canary-${Date.now()}`;

  beforeAll(async () => {
    process.env.MANTIS_TEST_WORKER_CREDENTIAL = canary;
    dataDir = mkdtempSync(join(tmpdir(), 'mantis-browser-user-'));
    // As an operator might leave it: open to everyone. The worker closes it before Chromium starts.
    chmodSync(dataDir, 0o755);
    mkdirSync(join(dataDir, 'secrets', 'team-b'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dataDir, 'secrets', 'team-b', 'site_password'), 'SECRET-OF-TEAM-B', { mode: 0o644 });
    writeFileSync(join(dataDir, 'storage-state.json'), '{"cookies":"SESSION-OF-TEAM-B"}', { mode: 0o644 });
    site = await startTestSite();
    t = await buildTestApp({ env: { MANTIS_DATA_DIR: dataDir, MANTIS_BROWSER_UID: `${BROWSER_UID}:${BROWSER_UID}` } });
  });
  afterAll(async () => {
    delete process.env.MANTIS_TEST_WORKER_CREDENTIAL;
    await browser?.close();
    await t?.close();
    await site?.close();
  });

  it('runs a plan with every Chromium process under that user, without capabilities, and keeps its trace and video', async () => {
    const team = await createTeam(t.prisma);
    const r = await executePlan(t, team, {
      steps: [{ navigate: `${site.url}/` }, { extract: { name: 'h1', selector: 'h1' } }, { screenshot: 'home' }],
    });
    expect(r.outcome.error).toBeNull();
    expect(r.outcome.status).toBe('succeeded');
    expect(r.outcome.result?.extracted.h1).toBeTruthy();

    const chromiums = chromiumsOfThisProcess();
    expect(chromiums.length).toBeGreaterThan(0);
    for (const p of chromiums) {
      expect(p.uid).toBe(BROWSER_UID);
      expect(p.capEff).toBe('0000000000000000');
      // A fresh profile of its own, not Playwright's (the worker's) directory.
      if (!p.cmdline.includes('--type=')) expect(p.cmdline).toMatch(/--user-data-dir=\S*mantis-chromium\./);
      const environ = readFileSync(`/proc/${p.pid}/environ`, 'utf8');
      expect(environ).not.toContain(canary);
      expect(environ).not.toContain('DATABASE_URL');
    }

    const kinds = (await t.prisma.artifact.findMany({ where: { runId: r.runId } })).map((a) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(['screenshot', 'trace']));
    if (t.app.get(BrowserPool).videoAvailable) expect(kinds).toContain('video');
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('cannot read the data or secrets directory, or the worker, even by a file: URL the egress policy would have refused', async () => {
    // This browser has no egress policy at all (no proxy, no routes): only the operating system stands between it and the files.
    const pw = await loadPlaywright(t.config.browser.playwrightBrowsersPath, t.config.browser.ffmpegPath);
    browser = await pw.chromium.launch(chromiumLaunchOptions(t.config.browser));
    // A page of its own for each read: a refused directory listing may still navigate after goto returns.
    const read = async (path: string) => {
      const page = await browser!.newPage();
      try {
        await page.goto(`file://${path}`);
        return await page.locator('body').innerText();
      } catch (e) {
        return `refused: ${(e as Error).message.split('\n')[0]}`;
      } finally {
        await page.close();
      }
    };
    // What any user may read still loads: the refusals below are the user's, not a broken file: scheme.
    const open = mkdtempSync(join(tmpdir(), 'mantis-public-'));
    chmodSync(open, 0o755);
    writeFileSync(join(open, 'public.txt'), 'PUBLIC-TEXT', { mode: 0o644 });
    expect(await read(join(open, 'public.txt'))).toContain('PUBLIC-TEXT');

    for (const file of [join(dataDir, 'secrets', 'team-b', 'site_password'), join(dataDir, 'storage-state.json'), `/proc/${process.pid}/environ`]) {
      expect(existsSync(file)).toBe(true);
      const seen = await read(file);
      expect(seen).toMatch(/^refused: /);
      expect(seen).not.toMatch(/SECRET-OF-TEAM-B|SESSION-OF-TEAM-B|canary-/);
    }
    // Nor can it list the directory (Chromium draws an empty listing).
    expect(await read(`${dataDir}/`)).not.toMatch(/secrets|storage-state|tenants/);
    expect(await read(`${open}/`)).toContain('public.txt');
  });
});
