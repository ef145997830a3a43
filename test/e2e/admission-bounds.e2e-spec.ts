import { randomBytes } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunsRepository } from '../../src/modules/runs/runs.repository.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('request bounds', () => {
  let t: TestApp;
  let team: TeamFixture;
  let op: UserFixture;
  const post = (url: string, body: string) =>
    t.app.inject({ method: 'POST', url, headers: { 'x-mantis-token': op.key, 'content-type': 'application/json' }, payload: body });
  const get = (url: string, key = op.key) => t.app.inject({ method: 'GET', url, headers: { 'x-mantis-token': key } });

  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_SYNC_WAIT_SECONDS: '0' } });
    team = await createTeam(t.prisma, { maxConcurrentRuns: 100 });
    op = await createUser(t.prisma, { team, role: 'team_owner' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('JSON nested 100k deep, or 33 deep, is 400 validation_failed; 32 deep is parsed', async () => {
    for (const body of [`{"inputs":{"x":${nested(100_000)}}}`, nested(100_000), `{"plan":{"steps":[]},"inputs":{"x":${nested(31)}}}`]) {
      const res = await post('/v1/predict', body);
      expect(res.statusCode, res.body.slice(0, 200)).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('32') });
    }
    const strings = await post('/v1/predict', JSON.stringify({ plan: { steps: [] }, inputs: { x: '['.repeat(5000) } }));
    expect(strings.json().error?.message ?? '').not.toContain('nested');
    const ok = await post('/v1/predict', `{"detached":true,"plan":{"steps":[{"navigate":"https://example.com/"}]},"inputs":{"x":${nested(30)}}}`);
    expect(ok.statusCode, ok.body).toBe(202);
    expect(await t.prisma.run.count({ where: { teamId: team.id } })).toBe(1);
  });

  it('a usage range over 400 days is 400, with until defaulting to now and since to the month’s start', async () => {
    const base = `/api/v1/teams/${team.slug}/usage`;
    for (const q of [
      'since=1000-01-01',
      `since=${new Date(Date.now() - 401 * 86_400_000).toISOString()}`,
      'since=2000-01-01&until=2001-03-01',
      'until=9999-01-01&since=2026-01-01',
    ]) {
      const res = await get(`${base}?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
    }
    const month = await get(base);
    expect(month.statusCode).toBe(200);
    const first = new Date();
    expect(month.json().days[0].date).toBe(`${first.toISOString().slice(0, 8)}01`);
    expect(month.json().days).toHaveLength(first.getUTCDate());
    expect((await get(`${base}?since=${new Date(Date.now() - 399 * 86_400_000).toISOString()}`)).statusCode).toBe(200);
    expect((await get(`${base}?until=2020-03-15`)).json().days).toHaveLength(14);
  });

  it('list routes clamp limit to their maximum instead of reading without bound', async () => {
    for (const [url, max] of [
      ['/v1/runs?limit=100000', 100],
      [`/api/v1/teams/${team.slug}/audit-events?limit=99999999`, 1000],
      [`/api/v1/teams/${team.slug}/webhook-deliveries?limit=5000`, 100],
      ['/api/v1/users?limit=10000', 500],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
      expect(res.json().data.length).toBeLessThanOrEqual(max);
    }
    expect((await get('/v1/runs?limit=0')).statusCode).toBe(400);
  });
});

describe('live log streams', () => {
  let t: TestApp;
  let team: TeamFixture;
  let viewer: UserFixture;
  const open: ClientRequest[] = [];

  beforeAll(async () => {
    t = await buildTestApp({ listen: true, env: { MANTIS_MAX_STREAMS_PER_TEAM: '2', MANTIS_STREAM_MAX_SECONDS: '2' } });
    team = await createTeam(t.prisma);
    viewer = await createUser(t.prisma, { team, role: 'viewer' });
  });
  afterAll(async () => {
    for (const r of open) r.destroy();
    await t?.close();
  });

  /** A run that stays queued (no worker here), with its first event. */
  async function queuedRun(teamId = team.id): Promise<string> {
    const id = `run_${randomBytes(12).toString('hex')}`;
    await t.prisma.run.create({ data: { id, teamId, plan: { steps: [] }, maxCost: 1, maxTimeMinutes: 5, maxSteps: 5, maxLoopIterations: 5 } });
    await t.prisma.runEvent.create({ data: { runId: id, teamId, seq: 1, type: 'run.queued' } });
    return id;
  }

  interface Stream {
    status: Promise<number>;
    text: () => string;
    ended: Promise<void>;
    close: () => void;
  }
  function stream(runId: string, key = viewer.key): Stream {
    const chunks: string[] = [];
    let onStatus!: (s: number) => void;
    let onEnd!: () => void;
    const status = new Promise<number>((r) => (onStatus = r));
    const ended = new Promise<void>((r) => (onEnd = r));
    const req = httpRequest(`${t.url}/v1/runs/${runId}/logs`, { headers: { 'x-mantis-token': key, accept: 'text/event-stream' } }, (res) => {
      onStatus(res.statusCode ?? 0);
      res.setEncoding('utf8');
      res.on('data', (c: string) => chunks.push(c));
      res.on('end', onEnd);
      res.on('close', onEnd);
    });
    req.on('error', () => onEnd());
    req.end();
    open.push(req);
    return { status, text: () => chunks.join(''), ended, close: () => req.destroy() };
  }

  it('a team holds at most MANTIS_MAX_STREAMS_PER_TEAM open streams; the next is 429 rate_limited; another team is unaffected', async () => {
    const runId = await queuedRun();
    const a = stream(runId);
    const b = stream(runId);
    expect(await a.status).toBe(200);
    expect(await b.status).toBe(200);
    const third = await t.app.inject({ method: 'GET', url: `/v1/runs/${runId}/logs`, headers: { 'x-mantis-token': viewer.key, accept: 'text/event-stream' } });
    expect(third.statusCode).toBe(429);
    expect(third.json().error.code).toBe('rate_limited');
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const other = await createTeam(t.prisma);
    const theirs = await createUser(t.prisma, { team: other, role: 'viewer' });
    const c = stream(await queuedRun(other.id), theirs.key);
    expect(await c.status).toBe(200);

    a.close();
    await a.ended;
    await expect
      .poll(async () => {
        const d = stream(runId);
        const s = await d.status;
        d.close();
        return s;
      })
      .toBe(200);
    b.close();
    c.close();
  });

  it('a stream ends by itself after its lifetime, though the run never finishes', async () => {
    const s = stream(await queuedRun());
    expect(await s.status).toBe(200);
    await s.ended;
    expect(s.text()).toContain('event: run.queued');
  });

  it('wakes on the run’s NOTIFY instead of polling: one read per new event', async () => {
    const runId = await queuedRun();
    const listener = new pg.Client({ connectionString: t.databaseUrl });
    await listener.connect();
    await listener.query('LISTEN mantis_run_events');
    const notified = new Promise<string>((r) => listener.on('notification', (m) => r(String(m.payload))));

    const repo = t.app.get(RunsRepository);
    const original = repo.find.bind(repo);
    let reads = 0;
    repo.find = (teamId: string, id: string) => {
      if (id === runId) reads++;
      return original(teamId, id);
    };
    try {
      const s = stream(runId);
      await expect.poll(() => s.text()).toContain('event: run.queued');
      const before = reads;
      // Idle time is what is under test: over one interval of the polling this replaced (250 ms), a listening stream reads nothing.
      await new Promise((r) => setTimeout(r, 250));
      expect(reads).toBe(before);
      await t.prisma.runEvent.create({ data: { runId, teamId: team.id, seq: 2, type: 'step.started' } });
      expect(await notified).toBe(runId);
      await expect.poll(() => s.text()).toContain('event: step.started');
      expect(reads).toBe(before + 1);
      await t.prisma.$transaction([
        t.prisma.run.update({ where: { id: runId }, data: { status: 'succeeded', finishedAt: new Date() } }),
        t.prisma.runEvent.create({ data: { runId, teamId: team.id, seq: 3, type: 'run.succeeded' } }),
      ]);
      await s.ended;
      expect(s.text()).toContain('event: run.succeeded');
    } finally {
      repo.find = original;
      await listener.end();
    }
  });
});
