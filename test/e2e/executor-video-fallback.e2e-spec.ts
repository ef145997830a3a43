import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { executePlan } from '../support/executor-harness.js';
import { createTeam } from '../support/factories.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

/**
 * Playwright is loaded once per process and keeps the ffmpeg path it found
 * then. When that ffmpeg is gone (here: the first app's data directory is
 * removed before a second app runs in the same process), recording a video
 * cannot start: the run must still succeed, with its trace and a log line.
 */
describe('executor: video recording that cannot start', { timeout: 120_000 }, () => {
  let site: TestSite;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    site = await startTestSite();
    first = await buildTestApp();
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await site?.close();
  });

  it('degrades to trace-only and never fails the run', async () => {
    const plan = { steps: [{ navigate: `${site.url}/` }, { extract: { name: 'h', selector: 'h1' } }] };
    const warm = await executePlan(first, await createTeam(first.prisma), plan);
    expect(warm.outcome.error).toBeNull();
    rmSync(first.config.browser.playwrightBrowsersPath, { recursive: true, force: true });

    second = await buildTestApp();
    const team = await createTeam(second.prisma);
    const { runId, outcome } = await executePlan(second, team, plan);
    expect(outcome.error).toBeNull();
    expect(outcome.result?.extracted).toEqual({ h: 'Mantis test site' });
    const kinds = (await second.prisma.artifact.findMany({ where: { runId } })).map((a) => a.kind);
    expect(kinds).toEqual(['trace']);
    expect(second.logs.text()).toContain('video recording unavailable');
  });
});
