import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

const PLAN = { steps: [{ navigate: 'https://example.com/' }] };

describe('anonymous calls of an "auth": "none" hook', () => {
  let t: TestApp;
  let team: TeamFixture;
  let owner: UserFixture;
  let operator: UserFixture;
  const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object, key?: string) =>
    t.app.inject({ method, url, headers: key ? { 'x-mantis-token': key } : {}, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_SYNC_WAIT_SECONDS: '0' } });
    // The team's own bucket: 6 a minute, two of which the setup below spends.
    team = await createTeam(t.prisma, { rateLimitPerMinute: 6, maxConcurrentRuns: 100 });
    owner = await createUser(t.prisma, { team, role: 'team_owner' });
    operator = await createUser(t.prisma, { team, role: 'operator' });
    expect((await call('PUT', '/api/v1/workflows/deploy', { plan: PLAN }, owner.key)).statusCode).toBe(201);
    const hook = await call('PUT', '/api/v1/hooks/public-deploy', { workflow: 'deploy', auth: 'none', rate_limit_per_minute: 3 }, owner.key);
    expect(hook.statusCode, hook.body).toBe(201);
    expect(hook.json()).toMatchObject({ auth: 'none', rate_limit_per_minute: 3 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('draw from the hook’s own bucket: the hook runs dry, the team’s operators keep their tokens', async () => {
    for (let i = 0; i < 3; i++) expect((await call('POST', '/hooks/public-deploy', {})).statusCode).toBe(202);
    const refused = await call('POST', '/hooks/public-deploy', {});
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['x-ratelimit-limit']).toBe('3');

    const mine = await call('GET', '/v1/runs', undefined, operator.key);
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['x-ratelimit-limit']).toBe('6');
    // Setup spent 2 of 6 and this request 1: the anonymous calls took none.
    expect(Number(mine.headers['x-ratelimit-remaining'])).toBeGreaterThanOrEqual(3);
    expect(await t.prisma.run.count({ where: { teamId: team.id, source: 'hook' } })).toBe(3);
  });

  it('may pass only inputs: state_key, model, callback_url and limits are 400 validation_failed and start nothing', async () => {
    const made = await call('PUT', '/api/v1/hooks/public-open', { workflow: 'deploy', auth: 'none', rate_limit_per_minute: 0 }, owner.key);
    expect(made.statusCode, made.body).toBe(201);
    const before = await t.prisma.run.count({ where: { teamId: team.id } });
    for (const extra of [
      { state_key: 'owner-session' },
      { model: 'claude-opus-4-1' },
      { callback_url: 'https://attacker.example/cb' },
      { max_cost: 1 },
      { detached: true },
    ]) {
      const res = await call('POST', '/hooks/public-open', { inputs: { sha: 'x' }, ...extra });
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(JSON.stringify(res.json().error.details)).toContain(Object.keys(extra)[0]);
    }
    expect(await t.prisma.run.count({ where: { teamId: team.id } })).toBe(before);

    const ok = await call('POST', '/hooks/public-open', { inputs: { sha: 'abc' } });
    expect(ok.statusCode, ok.body).toBe(202);
    expect(await t.prisma.run.findUniqueOrThrow({ where: { id: ok.json().run_id } })).toMatchObject({
      inputs: { sha: 'abc' },
      stateKey: null,
      model: null,
      callbackUrl: null,
    });
  });

  it('a hook’s bucket defaults to 10 a minute; a token hook still takes the caller’s options', async () => {
    const free = await createTeam(t.prisma, { rateLimitPerMinute: 0 });
    const boss = await createUser(t.prisma, { team: free, role: 'team_owner' });
    await call('PUT', '/api/v1/workflows/deploy', { plan: PLAN }, boss.key);
    const made = await call('PUT', `/api/v1/hooks/with-token-${free.slug}`, { workflow: 'deploy' }, boss.key);
    expect(made.json()).toMatchObject({ auth: 'token', rate_limit_per_minute: 10 });
    const res = await call('POST', `/hooks/with-token-${free.slug}`, { inputs: {}, state_key: 'ci' }, boss.key);
    expect(res.statusCode, res.body).toBe(202);
    expect((await t.prisma.run.findUniqueOrThrow({ where: { id: res.json().run_id } })).stateKey).toBe('ci');
  });
});

describe('a "token" hook', () => {
  let t: TestApp;
  let team: TeamFixture;
  let operator: UserFixture;
  let stranger: UserFixture;
  const trigger = (path: string, key?: string) =>
    t.app.inject({ method: 'POST', url: `/hooks/${path}`, headers: key ? { 'x-mantis-token': key } : {}, payload: {} });

  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_SYNC_WAIT_SECONDS: '0' } });
    team = await createTeam(t.prisma, { maxConcurrentRuns: 100 });
    const other = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    operator = await createUser(t.prisma, { team, role: 'operator' });
    stranger = await createUser(t.prisma, { team: other, role: 'operator' });
    const headers = { 'x-mantis-token': owner.key };
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/workflows/deploy', headers, payload: { plan: PLAN } })).statusCode).toBe(201);
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/hooks/guarded', headers, payload: { workflow: 'deploy' } })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('checks credentials before it reveals whether the path exists', async () => {
    for (const path of ['guarded', 'no-such-hook']) {
      const res = await trigger(path);
      expect(res.statusCode, path).toBe(401);
      expect(res.json().error.code).toBe('missing_token');
    }
    const unknown = await trigger('no-such-hook', operator.key);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'not_found', message: 'hook not found' });
  });

  it("answers another team's operator exactly as for a path that does not exist, even when it names the hook's team", async () => {
    for (const headers of [{}, { 'x-mantis-team': team.slug }]) {
      const res = await t.app.inject({ method: 'POST', url: '/hooks/guarded', headers: { 'x-mantis-token': stranger.key, ...headers }, payload: {} });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'not_found', message: 'hook not found' });
    }
    const ok = await trigger('guarded', operator.key);
    expect(ok.statusCode, ok.body).toBe(202);
    expect(ok.json()).toMatchObject({ tenant_id: team.slug, source: 'hook' });
  });
});
