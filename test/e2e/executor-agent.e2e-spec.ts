import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_MAX_TOKENS } from '../../src/modules/executor/agent-loop.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { executePlan } from '../support/executor-harness.js';
import { createTeam } from '../support/factories.js';
import { startFakeAnthropic, textReply, toolUse, type FakeAnthropic } from '../support/fake-anthropic.js';
import { putSecret } from '../support/team-secrets.js';
import { startTestSite, type TestSite } from '../support/test-site.js';

// claude-sonnet-4-6 (the default model): $3 input, $15 output per million tokens.
const cost = (input: number, output: number) => (input * 3 + output * 15) / 1_000_000;

// Real Chromium on a shared machine: generous per-test time.
describe('executor: agent step against a fake Anthropic API', { timeout: 120_000 }, () => {
  let t: TestApp;
  let site: TestSite;
  let anthropic: FakeAnthropic;

  beforeAll(async () => {
    site = await startTestSite();
    anthropic = await startFakeAnthropic();
    t = await buildTestApp({ env: { MANTIS_ANTHROPIC_BASE_URL: anthropic.url, MANTIS_RECORD_VIDEO: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
    await anthropic?.close();
    await site?.close();
  });

  async function teamWithKey(key: string) {
    const team = await createTeam(t.prisma);
    await putSecret(t, team, 'anthropic_api_key', key);
    return team;
  }

  it('observes the page, clicks and fills through tools, and returns the done result with its cost', async () => {
    const team = await teamWithKey('sk-ant-team-one');
    anthropic.requests.length = 0;
    anthropic.script([
      toolUse('fill', { selector: '#name', value: 'Grace' }, { input_tokens: 1000, output_tokens: 50 }),
      toolUse('click', { selector: '#greet' }, { input_tokens: 1200, output_tokens: 40 }),
      (req) => {
        const last = JSON.stringify(req.body.messages?.at(-1));
        return toolUse('done', { result: { greeting: /Hello, Grace/.test(last) ? 'Hello, Grace' : 'not seen' } }, { input_tokens: 1300, output_tokens: 30 });
      },
    ]);
    const { outcome, events } = await executePlan(t, team, { steps: [{ navigate: `${site.url}/form` }, { agent: { goal: 'Greet Grace' } }] });
    expect(outcome.error).toBeNull();
    expect(outcome.status).toBe('succeeded');
    expect(outcome.result?.agent).toEqual({ greeting: 'Hello, Grace' });
    expect(anthropic.requests).toHaveLength(3);
    expect(anthropic.requests.every((r) => r.apiKey === 'sk-ant-team-one')).toBe(true);
    expect(anthropic.requests[0].body.max_tokens).toBe(AGENT_MAX_TOKENS);
    const tools = (anthropic.requests[0].body.tools as { name: string }[]).map((x) => x.name).sort();
    expect(tools).toEqual(['click', 'done', 'extract', 'fill', 'navigate', 'press', 'screenshot', 'wait_for']);
    expect(JSON.stringify(anthropic.requests[0].body.messages)).toContain('#name');
    expect(outcome.costUsd).toBeCloseTo(cost(1000, 50) + cost(1200, 40) + cost(1300, 30), 10);
    const calls = events.filter((e) => e.type === 'agent.call');
    expect(calls).toHaveLength(3);
    expect(events.filter((e) => e.type === 'agent.action').map((e) => e.data.tool)).toEqual(['fill', 'click']);
    const row = await t.prisma.run.findFirstOrThrow({ where: { teamId: team.id } });
    expect(row.costUsd).toBeCloseTo(outcome.costUsd, 10);
  });

  it("sends each team's own key", async () => {
    const a = await teamWithKey('sk-ant-key-of-a');
    const b = await teamWithKey('sk-ant-key-of-b');
    anthropic.requests.length = 0;
    anthropic.script([toolUse('done', { result: 'a' }), toolUse('done', { result: 'b' })]);
    const ra = await executePlan(t, a, { steps: [{ navigate: `${site.url}/` }, { agent: { goal: 'finish' } }] });
    const rb = await executePlan(t, b, { steps: [{ navigate: `${site.url}/` }, { agent: { goal: 'finish' } }] });
    expect([ra.outcome.status, rb.outcome.status]).toEqual(['succeeded', 'succeeded']);
    expect(anthropic.requests.map((r) => r.apiKey)).toEqual(['sk-ant-key-of-a', 'sk-ant-key-of-b']);
  });

  it('stops a model that never calls done at the loop cap', async () => {
    const team = await teamWithKey('sk-ant-loop');
    anthropic.requests.length = 0;
    anthropic.script([]);
    anthropic.fallback = () => toolUse('wait_for', { timeout_ms: 1 });
    try {
      const { outcome } = await executePlan(
        t,
        team,
        { steps: [{ navigate: `${site.url}/` }, { agent: { goal: 'never ends', max_iterations: 50 } }] },
        { limits: { maxLoopIterations: 4 } },
      );
      expect(outcome.status).toBe('failed');
      expect(outcome.error?.code).toBe('loop_limit_exceeded');
      expect(anthropic.requests).toHaveLength(4);
      expect(outcome.costUsd).toBeCloseTo(4 * cost(100, 20), 10);
    } finally {
      anthropic.fallback = () => textReply('ok');
    }
  });

  it('stops a costly model before a call could take the run past max_cost', async () => {
    const team = await teamWithKey('sk-ant-costly');
    anthropic.requests.length = 0;
    anthropic.script([]);
    // Each call really uses its whole output budget: 1024 × $15/MTok ≈ $0.0154 plus input.
    anthropic.fallback = () => toolUse('wait_for', { timeout_ms: 1 }, { input_tokens: 3000, output_tokens: AGENT_MAX_TOKENS });
    const maxCost = 0.1;
    try {
      const { outcome, events } = await executePlan(
        t,
        team,
        { steps: [{ navigate: `${site.url}/` }, { agent: { goal: 'spend' } }] },
        { limits: { maxCost, maxLoopIterations: 100 } },
      );
      expect(outcome.status).toBe('failed');
      expect(outcome.error?.code).toBe('cost_limit_exceeded');
      expect(anthropic.requests.length).toBeGreaterThan(1);
      expect(outcome.costUsd).toBeGreaterThan(0);
      expect(outcome.costUsd).toBeLessThanOrEqual(maxCost);
      expect(outcome.costUsd).toBeCloseTo(anthropic.requests.length * cost(3000, AGENT_MAX_TOKENS), 10);
      expect(events.filter((e) => e.type === 'agent.call')).toHaveLength(anthropic.requests.length);
    } finally {
      anthropic.fallback = () => textReply('ok');
    }
  });

  it('fails with secret_not_found naming the missing Anthropic key secret', async () => {
    const team = await createTeam(t.prisma);
    anthropic.requests.length = 0;
    const { outcome } = await executePlan(
      t,
      team,
      { steps: [{ navigate: `${site.url}/` }, { agent: { goal: 'x' } }] },
      { anthropicSecretName: 'missing_anthropic_key' },
    );
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('secret_not_found');
    expect(outcome.error?.message).toContain('missing_anthropic_key');
    expect(anthropic.requests).toHaveLength(0);
  });

  it('types a secret the step lists, named by the model, without showing its value to the model or the logs', async () => {
    const team = await teamWithKey('sk-ant-secretive');
    await t.prisma.team.update({ where: { id: team.id }, data: { allowedDomains: ['127.0.0.1'] } });
    const password = 'agent-pw-5f1e9a';
    await putSecret(t, team, 'site_password', password);
    const logins = await startTestSite({ password });
    try {
      anthropic.requests.length = 0;
      anthropic.script([
        toolUse('fill', { selector: '#user', value: 'ada' }),
        // A placeholder in the model's own text is never substituted: only type_secret types a secret.
        toolUse('fill', { selector: '#password', value: '{{secrets.site_password}}' }),
        toolUse('type_secret', { selector: '#password', name: 'site_password' }),
        toolUse('click', { selector: '#login' }),
        toolUse('extract', { name: 'who', selector: '#who' }),
        toolUse('done', { result: `logged in with ${password}` }),
      ]);
      const { outcome, events } = await executePlan(t, team, {
        steps: [{ navigate: `${logins.url}/login` }, { agent: { goal: 'Log in as ada with secret site_password', secrets: ['site_password'] } }],
      });
      expect(outcome.error).toBeNull();
      expect(outcome.result?.extracted).toEqual({ who: 'Signed in as ada' });
      expect(JSON.stringify(outcome)).not.toContain(password);
      expect(JSON.stringify(outcome.result?.agent)).toContain('[REDACTED]');
      expect(JSON.stringify(anthropic.requests.map((r) => r.body))).not.toContain(password);
      expect(JSON.stringify(anthropic.requests.map((r) => r.body))).toContain("may only be used in a fill step's value");
      expect(JSON.stringify(events)).not.toContain(password);
      expect(events.filter((e) => e.type === 'secret.used').map((e) => e.data.name)).toEqual(['site_password']);
      expect(t.logs.text()).not.toContain(password);
    } finally {
      await logins.close();
    }
  });
});
