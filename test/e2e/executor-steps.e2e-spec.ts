import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { executePlan } from '../support/executor-harness.js';
import { createTeam } from '../support/factories.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

// Real Chromium on a shared machine: generous per-test time.
describe('executor: plan steps in real Chromium', { timeout: 120_000 }, () => {
  let t: TestApp;
  let site: TestSite;

  beforeAll(async () => {
    site = await startTestSite();
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  it('runs every non-agent step and returns extracted values, screenshots and the final URL', async () => {
    const team = await createTeam(t.prisma);
    const { outcome, events, runId } = await executePlan(
      t,
      team,
      {
        start_url: `${site.url}/`,
        steps: [
          { extract: { name: 'title', selector: '#title' } },
          { click: '#next' },
          { wait_for: { selector: '.item' } },
          { extract: { name: 'items', selector: '.item', all: true } },
          { extract: { name: 'first_id', selector: '.item', attribute: 'data-id' } },
          { assert: { selector: 'h1', text: 'Items' } },
          { navigate: `${site.url}/form` },
          { fill: { selector: '#name', value: '{{inputs.who}}' } },
          { click: '#greet' },
          { press: { selector: '#key', key: 'Enter' } },
          { wait_for: { selector: '#late' } },
          { extract: { name: 'greeting', selector: '#out' } },
          { extract: { name: 'pressed', selector: '#pressed' } },
          { assert: { url: `${site.url}/form` } },
          { screenshot: 'form page' },
        ],
      },
      { inputs: { who: 'Ada' } },
    );
    expect(outcome.error).toBeNull();
    expect(outcome.status).toBe('succeeded');
    expect(outcome.stepsCompleted).toBe(15);
    expect(outcome.result).toEqual({
      extracted: {
        title: 'Mantis test site',
        items: ['Alpha', 'Beta', 'Gamma'],
        first_id: 'a1',
        greeting: 'Hello, Ada',
        pressed: 'Enter pressed',
      },
      agent: null,
      screenshots: ['form page'],
      final_url: `${site.url}/form`,
    });

    const finished = events.filter((e) => e.type === 'step.finished');
    expect(finished).toHaveLength(16); // start_url plus 15 steps
    for (const e of finished) {
      expect(e.data.outcome).toBe('succeeded');
      expect(typeof e.data.duration_ms).toBe('number');
    }
    expect(events.filter((e) => e.type === 'step.started').map((e) => e.data.type)).toContain('press');
    expect(events.filter((e) => e.type === 'navigation').map((e) => e.data.url)).toEqual(
      expect.arrayContaining([`${site.url}/`, `${site.url}/list`, `${site.url}/form`]),
    );

    const artifacts = await t.prisma.artifact.findMany({ where: { runId } });
    const kinds = artifacts.map((a) => a.kind).sort();
    expect(kinds).toEqual(expect.arrayContaining(['screenshot', 'trace']));
    for (const a of artifacts) {
      const file = join(t.dataDir, 'tenants', team.slug, a.path);
      expect(a.path.startsWith(`runs/${runId}/`)).toBe(true);
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).size).toBeGreaterThan(0);
    }
    const png = artifacts.find((a) => a.kind === 'screenshot')!;
    expect(png.name).toBe('form page');
    expect(png.contentType).toBe('image/png');
  });

  it('fails the run on an unmet assertion, with the failing step recorded', async () => {
    const team = await createTeam(t.prisma);
    const { outcome, events } = await executePlan(t, team, {
      steps: [{ navigate: `${site.url}/` }, { assert: { text: 'Nowhere to be found' } }, { click: '#next' }],
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('assertion_failed');
    expect(outcome.stepsCompleted).toBe(1);
    const failed = events.find((e) => e.type === 'step.finished' && e.data.outcome === 'failed');
    expect(failed?.data).toMatchObject({ index: 1, type: 'assert', error: { code: 'assertion_failed' } });
    expect(events.some((e) => e.type === 'step.started' && e.data.index === 2)).toBe(false);
  });

  it('reports a missing selector and an absent input clearly', async () => {
    const team = await createTeam(t.prisma);
    const missing = await executePlan(t, team, { steps: [{ navigate: `${site.url}/` }, { click: '#does-not-exist' }] }, { deadlineMs: 3_000 });
    expect(missing.outcome.status).not.toBe('succeeded');
    const input = await executePlan(t, team, { steps: [{ navigate: `${site.url}/form` }, { fill: { selector: '#name', value: '{{inputs.nope}}' } }] });
    expect(input.outcome.status).toBe('failed');
    expect(input.outcome.error).toEqual({ code: 'input_not_found', message: 'Input "nope" was not provided' });
  });

  it('stops a run whose signal is aborted (cancel) and one that passes its deadline (timed_out)', async () => {
    const team = await createTeam(t.prisma);
    const plan = { steps: [{ navigate: `${site.url}/` }, { wait_for: { timeout_ms: 20_000 } }, { click: '#next' }] };
    const cancelled = await executePlan(t, team, plan, { abortOn: (e) => e.type === 'step.started' && e.data?.index === 1, abortReason: 'cancelled' });
    expect(cancelled.outcome.status).toBe('cancelled');
    expect(cancelled.outcome.stepsCompleted).toBe(1);
    const late = await executePlan(t, team, plan, { deadlineMs: 1_500 });
    expect(late.outcome.status).toBe('timed_out');
    expect(late.outcome.error?.code).toBe('timed_out');
  });
});
