import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/modules/executor/browser-pool.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { executePlan } from '../support/executor-harness.js';
import { createTeam } from '../support/factories.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

/**
 * What Playwright's client still holds under the shared browser, by kind
 * (`BrowserContext`, `Artifact`, …). A page's video is such an object, and on
 * Playwright's side it holds the whole closed context: one left behind per
 * run is the worker's memory growing with every run.
 */
function heldByBrowser(browser: Browser): string[] {
  const objects = (browser as unknown as { _objects: Map<string, { _type: string }> })._objects;
  return [...objects.values()].map((o) => o._type).sort();
}

// Real Chromium with video on a shared machine: generous per-test time.
describe('executor: what a run leaves on the shared browser', { timeout: 180_000 }, () => {
  let t: TestApp;
  let site: TestSite;

  beforeAll(async () => {
    site = await startTestSite();
    t = await buildTestApp({ env: { MANTIS_RECORD_VIDEO: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  it('deletes every video a context recorded (popups included) once the context is done', async () => {
    const pool = t.app.get(BrowserPool);
    const browser = await pool.getBrowser();
    const before = heldByBrowser(browser);
    const dir = mkdtempSync(join(tmpdir(), 'mantis-pool-video-'));
    for (let i = 0; i < 3; i++) {
      await pool.withContext({ recordVideo: { dir } }, async (context) => {
        const page = context.pages()[0]!;
        await page.goto(`${site.url}/popup?to=/`);
        const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#open')]);
        await popup.waitForLoadState();
        expect(context.pages()).toHaveLength(2);
      });
    }
    expect(heldByBrowser(browser)).toEqual(before);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the video a run saved, and holds nothing of its runs afterwards', async () => {
    const pool = t.app.get(BrowserPool);
    const browser = await pool.getBrowser();
    const before = heldByBrowser(browser);
    const team = await createTeam(t.prisma);
    const plan = { steps: [{ navigate: `${site.url}/` }, { click: '#next' }, { extract: { name: 'items', selector: '.item', all: true } }] };
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await executePlan(t, team, plan));
    expect(pool.videoAvailable).toBe(true);
    for (const { runId, outcome } of runs) {
      expect(outcome.status).toBe('succeeded');
      const video = await t.prisma.artifact.findFirstOrThrow({ where: { runId, kind: 'video' } });
      expect(existsSync(join(t.dataDir, 'tenants', team.slug, video.path))).toBe(true);
    }
    expect(heldByBrowser(browser)).toEqual(before);
  });
});
