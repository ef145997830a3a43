import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactRetentionService } from '../../src/modules/executor/artifact-retention.service.js';
import { BrowserPool } from '../../src/modules/executor/browser-pool.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { executePlan } from '../support/executor-harness.js';
import { createTeam, createUser } from '../support/factories.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

// Real Chromium on a shared machine: generous per-test time.
describe('executor: browser pool, limits and artifact retention', { timeout: 120_000 }, () => {
  let t: TestApp;
  let site: TestSite;

  beforeAll(async () => {
    site = await startTestSite();
    t = await buildTestApp({ env: { MANTIS_ARTIFACT_RETENTION_DAYS: '7', MANTIS_RECORD_VIDEO: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  it('relaunches Chromium after it goes away, and the next run succeeds', async () => {
    const team = await createTeam(t.prisma);
    const plan = { steps: [{ navigate: `${site.url}/` }, { extract: { name: 't', selector: '#title' } }] };
    expect((await executePlan(t, team, plan)).outcome.status).toBe('succeeded');
    const pool = t.app.get(BrowserPool);
    const first = await pool.getBrowser();
    await first.close(); // what a crash looks like to the pool: the browser disconnects
    const again = await executePlan(t, team, plan);
    expect(again.outcome.error).toBeNull();
    expect(again.outcome.result?.extracted).toEqual({ t: 'Mantis test site' });
    expect(await pool.getBrowser()).not.toBe(first);
  });

  it('refuses a plan longer than max_steps before running any step', async () => {
    const team = await createTeam(t.prisma);
    const { outcome, events } = await executePlan(
      t,
      team,
      { steps: [{ navigate: `${site.url}/` }, { click: '#next' }, { click: '#home' }] },
      { limits: { maxSteps: 2 } },
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('step_limit_exceeded');
    expect(events.some((e) => e.type === 'step.started')).toBe(false);
  });

  it('removes artifacts older than MANTIS_ARTIFACT_RETENTION_DAYS, files and rows, and keeps recent ones', async () => {
    const team = await createTeam(t.prisma);
    const viewer = await createUser(t.prisma, { team, role: 'viewer' });
    const plan = { steps: [{ navigate: `${site.url}/` }, { screenshot: 'home' }] };
    const old = await executePlan(t, team, plan);
    const recent = await executePlan(t, team, plan);
    const files = async (runId: string) => (await t.prisma.artifact.findMany({ where: { runId } })).map((a) => join(t.dataDir, 'tenants', team.slug, a.path));
    const oldFiles = await files(old.runId);
    expect(oldFiles.length).toBeGreaterThanOrEqual(2);
    expect(oldFiles.every((f) => existsSync(f))).toBe(true);
    await t.prisma.artifact.updateMany({ where: { runId: old.runId }, data: { createdAt: new Date(Date.now() - 8 * 86_400_000) } });

    const removed = await t.app.get(ArtifactRetentionService).sweep();
    expect(removed).toBeGreaterThanOrEqual(oldFiles.length);
    expect(oldFiles.some((f) => existsSync(f))).toBe(false);
    expect(await t.prisma.artifact.count({ where: { runId: old.runId } })).toBe(0);
    expect((await files(recent.runId)).every((f) => existsSync(f))).toBe(true);

    const gone = await t.app.inject({ method: 'GET', url: `/v1/runs/${old.runId}/video`, headers: { 'x-mantis-token': viewer.key } });
    expect(gone.statusCode).toBe(404);
    const kept = await t.app.inject({ method: 'GET', url: `/v1/runs/${recent.runId}/video`, headers: { 'x-mantis-token': viewer.key } });
    expect(kept.statusCode).toBe(200);
    expect(kept.headers['content-type']).toBe('application/zip');
  });
});
