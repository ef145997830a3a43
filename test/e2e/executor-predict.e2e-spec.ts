import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';
import { describeProtectedRoute } from '../support/protected-route.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

const TERMINAL = ['succeeded', 'failed', 'cancelled', 'timed_out'];

// Real Chromium on a shared machine: generous per-test time.
describe('executor end to end: /v1/predict on a worker, results and recording', { timeout: 120_000 }, () => {
  let t: TestApp;
  let site: TestSite;

  beforeAll(async () => {
    site = await startTestSite();
    t = await buildTestApp({ roles: ['api', 'worker'], env: { MANTIS_WORKER_POLL_MS: '50', MANTIS_SYNC_WAIT_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  const headers = (u: UserFixture) => ({ 'x-mantis-token': u.key, 'content-type': 'application/json' });

  async function runToEnd(user: UserFixture, plan: unknown): Promise<{ runId: string; run: Record<string, unknown> }> {
    const res = await t.app.inject({ method: 'POST', url: '/v1/predict', headers: headers(user), payload: { action: 'run', plan, detached: true } });
    expect(res.statusCode).toBe(202);
    const runId = res.json().run_id as string;
    const read = async () => (await t.app.inject({ method: 'GET', url: `/v1/runs/${runId}`, headers: headers(user) })).json();
    await expect.poll(async () => TERMINAL.includes((await read()).status), { interval: 100, timeout: 30_000 }).toBe(true);
    return { runId, run: await read() };
  }

  let team: TeamFixture;
  let operator: UserFixture;
  let finishedRunId = '';

  it('runs a multi-step plan in Chromium and serves its result, logs and recording', async () => {
    team = await createTeam(t.prisma, { allowedDomains: ['127.0.0.1'] });
    operator = await createUser(t.prisma, { team, role: 'operator' });
    const { runId, run } = await runToEnd(operator, {
      start_url: `${site.url}/`,
      steps: [
        { click: '#next' },
        { extract: { name: 'items', selector: '.item', all: true } },
        { navigate: `${site.url}/form` },
        { fill: { selector: '#name', value: 'Lin' } },
        { click: '#greet' },
        { extract: { name: 'greeting', selector: '#out' } },
        { screenshot: 'done' },
      ],
    });
    finishedRunId = runId;
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.steps_completed).toBe(7);

    const result = await t.app.inject({ method: 'GET', url: `/v1/runs/${runId}/result`, headers: headers(operator) });
    expect(result.statusCode).toBe(200);
    expect(result.json().result).toEqual({
      extracted: { items: ['Alpha', 'Beta', 'Gamma'], greeting: 'Hello, Lin' },
      agent: null,
      screenshots: ['done'],
      final_url: `${site.url}/form`,
    });

    const logs = await t.app.inject({ method: 'GET', url: `/v1/runs/${runId}/logs`, headers: headers(operator) });
    const types = (logs.json().data as { type: string }[]).map((e) => e.type);
    expect(types.filter((x) => x === 'step.finished').length).toBe(8);
    expect(types).toContain('navigation');

    const video = await t.app.inject({ method: 'GET', url: `/v1/runs/${runId}/video`, headers: headers(operator) });
    expect(video.statusCode).toBe(200);
    const kinds = (await t.prisma.artifact.findMany({ where: { runId } })).map((a) => a.kind);
    // Debian's ffmpeg stands in for Playwright's; without it the trace is served instead.
    expect(kinds.includes('video')).toBe(existsSync(t.config.browser.ffmpegPath));
    if (kinds.includes('video')) {
      expect(video.headers['content-type']).toBe('video/webm');
      expect(video.rawPayload.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML (webm) magic
    } else {
      expect(video.headers['content-type']).toBe('application/zip');
      expect(video.rawPayload.subarray(0, 2).toString()).toBe('PK');
    }
  });

  it('fails a run whose redirect leaves the allowed domains, through the whole pipeline', async () => {
    const { run } = await runToEnd(operator, { steps: [{ navigate: `${site.url}/redirect?to=${encodeURIComponent(`${site.otherHostUrl}/`)}` }] });
    expect(run.status).toBe('failed');
    expect((run.error as { code: string }).code).toBe('domain_not_allowed');
  });

  it("answers 404 for a run without a recording and for another team's run", async () => {
    const other = await createTeam(t.prisma);
    const stranger = await createUser(t.prisma, { team: other, role: 'viewer' });
    const cross = await t.app.inject({ method: 'GET', url: `/v1/runs/${finishedRunId}/video`, headers: headers(stranger) });
    expect(cross.statusCode).toBe(404);
    expect(cross.json().error.code).toBe('not_found');
    const missing = await t.app.inject({ method: 'GET', url: '/v1/runs/run_doesnotexist/video', headers: headers(operator) });
    expect(missing.statusCode).toBe(404);
  });

  describeProtectedRoute(() => t, {
    method: 'GET',
    url: ({ fixture }) => `/v1/runs/${fixture.runId as string}/video`,
    scope: 'result',
    role: 'viewer',
    allowedStatus: [200, 404],
    setup: async (app, tm) => {
      const id = `run_${Math.random().toString(36).slice(2, 12)}`;
      await app.prisma.run.create({
        data: { id, teamId: tm.id, status: 'succeeded', plan: { steps: [] }, maxCost: 1, maxTimeMinutes: 1, maxSteps: 1, maxLoopIterations: 1 },
      });
      return { runId: id };
    },
  });
});
