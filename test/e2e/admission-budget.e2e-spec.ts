import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser } from '../support/factories.js';
import { startFakeAnthropic, textReply, type FakeAnthropic, type FakeRequest } from '../support/fake-anthropic.js';
import { putSecret } from '../support/team-secrets.js';

const PLAN = { steps: [{ navigate: 'https://example.com/' }] };

describe('budget admission counts chat and runs together', () => {
  let t: TestApp;
  let anthropic: FakeAnthropic;
  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    // Every answer uses all of its max_tokens: real cost close to the worst case.
    anthropic.fallback = (req: FakeRequest) => textReply('x', { input_tokens: 1, output_tokens: Number((req.body as { max_tokens: number }).max_tokens) });
    t = await buildTestApp({ env: { MANTIS_ANTHROPIC_BASE_URL: anthropic.url, MANTIS_SYNC_WAIT_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t?.close();
    await anthropic?.close();
  });

  async function teamWithKey(budget: number) {
    const team = await createTeam(t.prisma, { monthlyBudgetUsd: budget, maxConcurrentRuns: 50 });
    await putSecret(t, team, 'anthropic_api_key', `sk-ant-${team.slug}`);
    const user = await createUser(t.prisma, { team, role: 'operator' });
    return { team, user };
  }
  const chat = (key: string, maxTokens: number) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'x-mantis-token': key },
      payload: { model: 'claude-haiku-4-5', max_tokens: maxTokens, messages: [{ role: 'user', content: 'hi' }] },
    });
  const run = (key: string, maxCost: number) =>
    t.app.inject({ method: 'POST', url: '/v1/predict', headers: { 'x-mantis-token': key }, payload: { plan: PLAN, detached: true, max_cost: maxCost } });

  it('a team past its budget through chat spend is refused a run (429 budget_exceeded)', async () => {
    const { team, user } = await teamWithKey(10);
    await t.prisma.chatCompletion.create({ data: { id: 'chatcmpl-spent', teamId: team.id, model: 'claude-opus-4-1', costUsd: 70, settledAt: new Date() } });
    const res = await run(user.key, 1);
    expect(res.statusCode, res.body).toBe(429);
    expect(res.json().error).toMatchObject({ code: 'budget_exceeded', details: { budget_usd: 10, spent_usd: 70 } });
    expect(await t.prisma.run.count({ where: { teamId: team.id } })).toBe(0);
    const usage = await t.app.inject({
      method: 'GET',
      url: `/api/v1/teams/${team.slug}/usage`,
      headers: { 'x-mantis-token': (await createUser(t.prisma, { team, role: 'team_owner' })).key },
    });
    expect(usage.json().month).toMatchObject({ spent_usd: 70, budget_usd: 10 });
  });

  it('a run’s reservation leaves no room for a chat call whose worst case does not fit', async () => {
    const { user } = await teamWithKey(1);
    expect((await run(user.key, 0.99)).statusCode).toBe(202);
    const res = await chat(user.key, 4000); // up to $0.02 on claude-haiku-4-5
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('budget_exceeded');
  });

  it('parallel chat calls cannot overshoot: each reserves its worst case under the team lock, then settles', async () => {
    const { team, user } = await teamWithKey(0.05);
    anthropic.requests.length = 0;
    const answers = await Promise.all(Array.from({ length: 10 }, () => chat(user.key, 4000)));
    const ok = answers.filter((a) => a.statusCode === 200).length;
    const refused = answers.filter((a) => a.statusCode === 429);
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok).toBeLessThanOrEqual(2);
    expect(refused.length).toBe(10 - ok);
    expect(refused.every((r) => r.json().error.code === 'budget_exceeded')).toBe(true);
    expect(anthropic.requests.filter((r) => r.apiKey === `sk-ant-${team.slug}`)).toHaveLength(ok);
    const rows = await t.prisma.chatCompletion.findMany({ where: { teamId: team.id } });
    expect(rows).toHaveLength(ok);
    expect(rows.every((r) => r.reservedUsd === 0 && r.settledAt !== null)).toBe(true);
    expect(rows.reduce((sum, r) => sum + r.costUsd, 0)).toBeLessThanOrEqual(0.05);
  });
});
