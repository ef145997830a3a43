import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';
import { startFakeAnthropic, textReply, type FakeAnthropic } from '../support/fake-anthropic.js';
import { describeProtectedRoute } from '../support/protected-route.js';
import { putSecret } from '../support/team-secrets.js';

// Real Chromium on a shared machine: generous per-test time.
describe('chat completions facade (official openai client)', { timeout: 120_000 }, () => {
  let t: TestApp;
  let anthropic: FakeAnthropic;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic();
    t = await buildTestApp({ env: { MANTIS_ANTHROPIC_BASE_URL: anthropic.url }, listen: true });
  });
  afterAll(async () => {
    await t?.close();
    await anthropic?.close();
  });

  async function operatorClient(key: string) {
    const team = await createTeam(t.prisma);
    await putSecret(t, team, 'anthropic_api_key', key);
    const user = await createUser(t.prisma, { team, role: 'operator' });
    return { team, user, client: new OpenAI({ apiKey: user.key, baseURL: `${t.url}/v1`, maxRetries: 0 }) };
  }

  it('answers a plain completion with the team key and records its cost', async () => {
    const { team, client, user } = await operatorClient('sk-ant-chat-team');
    anthropic.requests.length = 0;
    anthropic.script([textReply('Paris is the capital of France.', { input_tokens: 1200, output_tokens: 300 })]);
    const res = await client.chat.completions.create({
      model: 'claude-haiku-4-5',
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'Capital of France?' },
      ],
      max_tokens: 200,
    });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0].message).toMatchObject({ role: 'assistant', content: 'Paris is the capital of France.' });
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.usage).toEqual({ prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 });

    expect(anthropic.requests).toHaveLength(1);
    const sent = anthropic.requests[0];
    expect(sent.apiKey).toBe('sk-ant-chat-team');
    expect(sent.body).toMatchObject({
      model: 'claude-haiku-4-5',
      max_tokens: 200,
      system: 'Answer briefly.',
      messages: [{ role: 'user', content: 'Capital of France?' }],
    });

    const rows = await t.prisma.chatCompletion.findMany({ where: { teamId: team.id } });
    expect(rows).toHaveLength(1);
    // claude-haiku-4-5: $1 input, $5 output per million tokens.
    expect(rows[0].costUsd).toBeCloseTo((1200 * 1 + 300 * 5) / 1e6, 12);
    expect(rows[0].id).toBe(res.id);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const usage = await t.app.inject({ method: 'GET', url: `/api/v1/teams/${team.slug}/usage`, headers: { 'x-mantis-token': owner.key } });
    expect(usage.statusCode).toBe(200);
    expect(usage.json().month.spent_usd).toBeCloseTo(0.0027, 6);
    const today = new Date().toISOString().slice(0, 10);
    expect(usage.json().days.find((d: { date: string }) => d.date === today)).toMatchObject({ runs: 0 });
    expect(t.logs.text()).not.toContain('sk-ant-chat-team');
    expect(t.logs.text()).not.toContain(user.key);
  });

  it('streams chunks that the client reassembles, with usage', async () => {
    const { team, client } = await operatorClient('sk-ant-stream');
    anthropic.script([textReply('Streaming works across several chunks.', { input_tokens: 50, output_tokens: 9 })]);
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Say something' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: unknown = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Streaming works across several chunks.');
    expect(chunks).toBeGreaterThan(3);
    expect(finish).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: 50, completion_tokens: 9, total_tokens: 59 });
    expect(anthropic.requests.at(-1)?.apiKey).toBe('sk-ant-stream');
    const rows = await t.prisma.chatCompletion.findMany({ where: { teamId: team.id } });
    expect(rows.map((r) => r.stream)).toEqual([true]);
    expect(rows[0].costUsd).toBeCloseTo((50 * 3 + 9 * 15) / 1e6, 12);
  });

  it('lists models publicly', async () => {
    const res = await fetch(`${t.url}/v1/models`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object: string; data: { id: string; object: string }[] };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toContain('claude-sonnet-4-6');
    const listed = await new OpenAI({ apiKey: 'unused', baseURL: `${t.url}/v1` }).models.list();
    expect(listed.data.length).toBe(body.data.length);
  });

  it('refuses a team without an Anthropic key, and bad requests, without calling the model', async () => {
    const team: TeamFixture = await createTeam(t.prisma);
    const user = await createUser(t.prisma, { team, role: 'operator' });
    anthropic.requests.length = 0;
    const noKey = await t.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'x-mantis-token': user.key },
      payload: { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(noKey.statusCode).toBe(409);
    expect(noKey.json().error.message).toContain('anthropic_api_key');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'x-mantis-token': user.key },
      payload: { model: 'x', messages: [] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect(anthropic.requests).toHaveLength(0);
  });

  it("refuses a call whose worst case would pass the team's monthly budget", async () => {
    const { team, user } = await operatorClient('sk-ant-budget');
    await t.prisma.team.update({ where: { id: team.id }, data: { monthlyBudgetUsd: 0.01 } });
    anthropic.requests.length = 0;
    const call = (max_tokens: number) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: { 'x-mantis-token': user.key },
        payload: { model: 'claude-haiku-4-5', max_tokens, messages: [{ role: 'user', content: 'hi' }] },
      });
    const big = await call(4000); // 4000 × $5/MTok = $0.02 > $0.01
    expect(big.statusCode).toBe(429);
    expect(big.json().error.code).toBe('budget_exceeded');
    expect(anthropic.requests).toHaveLength(0);
    const small = await call(100);
    expect(small.statusCode).toBe(200);
  });

  describeProtectedRoute(() => t, {
    method: 'POST',
    url: () => '/v1/chat/completions',
    scope: 'run',
    role: 'operator',
    crossTeam: false,
    payload: () => ({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] }),
  });
});
