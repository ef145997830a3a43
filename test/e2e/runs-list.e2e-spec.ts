import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

const PLAN = { steps: [{ navigate: 'https://example.com/' }, { extract: { name: 'title', selector: 'h1' } }] };
const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
type Status = (typeof STATUSES)[number];

/** The run object as the API description lists its fields, in that order: what a page must hold for each run. */
interface Expected {
  run_id: string;
  tenant_id: string;
  status: Status;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  state_key: string | null;
  limits: { max_cost: number; max_time_minutes: number; max_steps: number; max_loop_iterations: number };
  cost_usd: number;
  steps_completed: number;
  workflow: string | null;
  source: 'predict' | 'workflow';
  error: { code: string; message: string } | null;
}

interface Page {
  data: Expected[];
  next_cursor: string | null;
}

/** Newest first; runs created in the same millisecond in descending id order (the database compares ids bytewise, C collation). */
const newestFirst = (a: Expected, b: Expected) =>
  a.created_at !== b.created_at ? (a.created_at < b.created_at ? 1 : -1) : a.run_id < b.run_id ? 1 : a.run_id > b.run_id ? -1 : 0;

const cursorOf = (createdAt: string, id: string) => Buffer.from(`${createdAt}|${id}`).toString('base64url');
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

/**
 * GET /v1/runs (and its team path and /api/v1/executions) against runs whose
 * every listed field this suite set itself: the order, each filter, the
 * keyset cursor across pages, the run object field by field and byte for byte
 * as GET /v1/runs/{id} answers it, and another team's runs never listed,
 * whatever cursor is sent. A query outside a named scope throws here
 * (`requireScopes`).
 */
describe('GET /v1/runs: listing pages', () => {
  let t: TestApp;
  let a: TeamFixture;
  let b: TeamFixture;
  let opA: UserFixture;
  let viewerA: UserFixture;
  let opB: UserFixture;
  const runsA: Expected[] = [];
  const runsB: Expected[] = [];

  const call = (key: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, headers: { 'x-mantis-token': key, ...headers }, ...(payload ? { payload: payload as object } : {}) });
  const page = async (key: string, url: string): Promise<Page> => {
    const res = await call(key, 'GET', url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json() as Page;
  };
  /** Every page of `url` with `limit`, in order; checks each page's size and that only the last has no cursor. */
  const walk = async (key: string, url: string, limit: number): Promise<{ runs: Expected[]; pages: number }> => {
    const runs: Expected[] = [];
    let cursor: string | null = null;
    let pages = 0;
    const sep = url.includes('?') ? '&' : '?';
    do {
      const p = await page(key, `${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      pages++;
      expect(pages).toBeLessThan(100);
      if (p.next_cursor !== null) expect(p.data.length).toBe(limit);
      else expect(p.data.length).toBeLessThanOrEqual(limit);
      runs.push(...p.data);
      cursor = p.next_cursor;
    } while (cursor);
    return { runs, pages };
  };
  const ids = (rs: Expected[]) => rs.map((r) => r.run_id);
  const json = (rs: Expected[]) => rs.map((r) => JSON.stringify(r));
  const limitsFor = (maxCost: number) => ({ max_cost: maxCost, max_time_minutes: 30, max_steps: 5, max_loop_iterations: 8 });

  /**
   * Submits a run through the API, then gives it (as a worker would) its
   * status, times, cost and error; returns the run object it must list as.
   */
  async function makeRun(
    team: TeamFixture,
    op: UserFixture,
    i: number,
    o: { status: Status; createdMs: number; workflow?: string; stateKey?: string },
  ): Promise<Expected> {
    const maxCost = 1 + (i % 7) * 0.25;
    const res = o.workflow
      ? await call(op.key, 'POST', `/api/v1/run/${o.workflow}`, { max_cost: maxCost, ...(o.stateKey ? { state_key: o.stateKey } : {}) })
      : await call(op.key, 'POST', '/v1/predict', { plan: PLAN, detached: true, max_cost: maxCost, ...(o.stateKey ? { state_key: o.stateKey } : {}) });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().run_id as string;
    const started = o.status === 'queued' ? null : at(o.createdMs + 250);
    const finished = o.status === 'queued' || o.status === 'running' ? null : at(o.createdMs + 1750);
    const cost = o.status === 'queued' ? 0 : 0.1 + 0.2 * (i % 3);
    const steps = o.status === 'queued' ? 0 : (i % 2) + 1;
    const error =
      o.status === 'failed'
        ? { code: 'step_failed', message: `step ${i} failed: "quoted" \u00e9` }
        : o.status === 'cancelled'
          ? { code: 'cancelled', message: 'The run was cancelled on request' }
          : o.status === 'timed_out'
            ? { code: 'timed_out', message: 'over max_time_minutes' }
            : null;
    await t.prisma.run.update({
      where: { id },
      data: {
        status: o.status,
        createdAt: new Date(at(o.createdMs)),
        startedAt: started ? new Date(started) : null,
        finishedAt: finished ? new Date(finished) : null,
        costUsd: cost,
        stepsCompleted: steps,
        ...(error ? { error } : {}),
        ...(finished ? { reservedUsd: 0 } : {}),
      },
    });
    return {
      run_id: id,
      tenant_id: team.slug,
      status: o.status,
      created_at: at(o.createdMs),
      started_at: started,
      finished_at: finished,
      state_key: o.stateKey ?? null,
      limits: limitsFor(maxCost),
      cost_usd: cost,
      steps_completed: steps,
      workflow: o.workflow ?? null,
      source: o.workflow ? 'workflow' : 'predict',
      error,
    };
  }

  beforeAll(async () => {
    t = await buildTestApp({
      requireScopes: true,
      env: {
        MANTIS_SYNC_WAIT_SECONDS: '0',
        MANTIS_MAX_COST_USD: '10',
        MANTIS_MAX_RUNTIME_MINUTES: '30',
        MANTIS_MAX_STEPS_PER_PLAN: '5',
        MANTIS_MAX_LOOP_ITERATIONS: '8',
      },
    });
    a = await createTeam(t.prisma, { maxConcurrentRuns: 100 });
    b = await createTeam(t.prisma, { maxConcurrentRuns: 100 });
    opA = await createUser(t.prisma, { team: a, role: 'operator' });
    viewerA = await createUser(t.prisma, { team: a, role: 'viewer', scopes: ['status'] });
    opB = await createUser(t.prisma, { team: b, role: 'operator' });
    for (const team of [a, b]) {
      const owner = await createUser(t.prisma, { team, role: 'team_owner' });
      for (const name of ['alpha', 'beta']) {
        const res = await call(owner.key, 'PUT', `/api/v1/workflows/${name}`, { plan: PLAN, description: name });
        expect(res.statusCode, res.body).toBe(201);
      }
    }
    // Team A: 25 runs, every status and source; three groups of runs created in the same millisecond (ties broken by id).
    for (let i = 0; i < 25; i++) {
      const createdMs = i < 3 ? 5_000 : i >= 10 && i < 14 ? 9_000 : i >= 20 && i < 22 ? 1_000 : i * 1_000 + 17;
      const workflow = i % 5 === 1 ? 'alpha' : i % 5 === 3 ? 'beta' : undefined;
      runsA.push(await makeRun(a, opA, i, { status: STATUSES[i % 6], createdMs, workflow, stateKey: i % 4 === 0 ? `profile-${i}` : undefined }));
    }
    // Team B: runs older, newer and in between A's, in the same milliseconds as some of A's, and its own workflow "alpha".
    for (const [i, createdMs] of [-5_000, 1_000, 5_000, 9_000, 12_017, 40_000, 90_000].entries()) {
      runsB.push(await makeRun(b, opB, i, { status: STATUSES[(i + 2) % 6], createdMs, workflow: i % 2 === 0 ? 'alpha' : undefined }));
    }
    runsA.sort(newestFirst);
    runsB.sort(newestFirst);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('pages through all of a team’s runs newest first, ties by id, none twice and none missing, each field as set', async () => {
    for (const limit of [1, 4, 5, 25, 100]) {
      const { runs, pages } = await walk(viewerA.key, '/v1/runs', limit);
      expect(pages, `limit ${limit}`).toBe(Math.ceil(runsA.length / limit));
      expect(ids(runs), `limit ${limit}`).toEqual(ids(runsA));
      expect(json(runs), `limit ${limit}`).toEqual(json(runsA));
    }
    // Default page: 20, then the last 5.
    const first = await page(viewerA.key, '/v1/runs');
    expect(json(first.data)).toEqual(json(runsA.slice(0, 20)));
    expect(first.next_cursor).toEqual(cursorOf(runsA[19].created_at, runsA[19].run_id));
    const second = await page(viewerA.key, `/v1/runs?cursor=${first.next_cursor}`);
    expect(json(second.data)).toEqual(json(runsA.slice(20)));
    expect(second.next_cursor).toBeNull();
  });

  it('lists each run exactly as GET /v1/runs/{id} answers it, byte for byte', async () => {
    const res = await call(viewerA.key, 'GET', '/v1/runs?limit=100');
    expect(res.statusCode).toBe(200);
    const listed = (res.json() as Page).data;
    expect(listed).toHaveLength(runsA.length);
    for (const run of listed) {
      const one = await call(viewerA.key, 'GET', `/v1/runs/${run.run_id}`);
      expect(one.statusCode).toBe(200);
      expect(JSON.stringify(run)).toBe(one.body);
    }
    // The page's own bytes: a run object as GET writes it, joined by commas.
    const bodies = await Promise.all(listed.map(async (r) => (await call(viewerA.key, 'GET', `/v1/runs/${r.run_id}`)).body));
    expect(res.body).toBe(`{"data":[${bodies.join(',')}],"next_cursor":null}`);
  });

  it('filters by status, by workflow and by both, across pages', async () => {
    for (const status of STATUSES) {
      const want = runsA.filter((r) => r.status === status);
      expect(want.length).toBeGreaterThan(0);
      const { runs } = await walk(viewerA.key, `/v1/runs?status=${status}`, 2);
      expect(json(runs), status).toEqual(json(want));
    }
    for (const workflow of ['alpha', 'beta']) {
      const want = runsA.filter((r) => r.workflow === workflow);
      expect(want.length).toBeGreaterThan(2);
      const { runs } = await walk(viewerA.key, `/v1/runs?workflow=${workflow}`, 2);
      expect(json(runs), workflow).toEqual(json(want));
      for (const status of STATUSES) {
        const both = runsA.filter((r) => r.workflow === workflow && r.status === status);
        const got = await walk(viewerA.key, `/v1/runs?workflow=${workflow}&status=${status}`, 1);
        expect(json(got.runs), `${workflow} ${status}`).toEqual(json(both));
      }
    }
    expect((await page(viewerA.key, '/v1/runs?workflow=gamma')).data).toEqual([]);
    // Ad hoc runs have no workflow: no name matches them.
    const named = await walk(viewerA.key, '/v1/runs?workflow=alpha', 100);
    expect(named.runs.every((r) => r.workflow === 'alpha')).toBe(true);
  });

  it('answers the same on the team path, through X-Mantis-Team and on /api/v1/executions', async () => {
    const want = await call(viewerA.key, 'GET', '/v1/runs?limit=7&status=failed');
    expect(want.statusCode).toBe(200);
    const cursor = cursorOf(runsA[3].created_at, runsA[3].run_id);
    for (const q of ['limit=7&status=failed', `limit=3&cursor=${cursor}`, 'workflow=beta']) {
      const base = (await call(viewerA.key, 'GET', `/v1/runs?${q}`)).body;
      for (const url of [`/api/v1/teams/${a.slug}/runs?${q}`, `/api/v1/executions?${q}`, `/api/v1/teams/${a.slug}/executions?${q}`]) {
        const res = await call(viewerA.key, 'GET', url);
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).toBe(base);
      }
      const viaHeader = await call(viewerA.key, 'GET', `/v1/runs?${q}`, undefined, { 'x-mantis-team': a.slug });
      expect(viaHeader.body).toBe(base);
    }
  });

  it('resumes after the cursor’s position, whether or not a run of this team holds it', async () => {
    // Inside a group of runs created in the same millisecond: the ones with a smaller id, then older ones.
    const tie = runsA.filter((r) => r.created_at === at(9_000));
    expect(tie.length).toBe(4);
    const p = await page(viewerA.key, `/v1/runs?limit=100&cursor=${cursorOf(tie[1].created_at, tie[1].run_id)}`);
    expect(ids(p.data)).toEqual(ids(runsA.slice(runsA.indexOf(tie[1]) + 1)));
    // A position no run holds: a time between runs and an id sorting below every run id.
    const between = await page(viewerA.key, `/v1/runs?limit=100&cursor=${cursorOf(at(9_500), 'run_0')}`);
    expect(ids(between.data)).toEqual(ids(runsA.filter((r) => r.created_at < at(9_500))));
    // Beyond every run (year 10000 included) and before every run.
    for (const ts of [at(10 ** 9), '+010000-01-01T00:00:00.000Z']) {
      expect(ids((await page(viewerA.key, `/v1/runs?limit=100&cursor=${cursorOf(ts, 'run_x')}`)).data)).toEqual(ids(runsA));
    }
    expect((await page(viewerA.key, `/v1/runs?cursor=${cursorOf('2000-01-01T00:00:00.000Z', 'run_x')}`)).data).toEqual([]);
  });

  it('never lists another team’s runs, whatever cursor or filter is sent', async () => {
    const aIds = new Set(ids(runsA));
    const { runs } = await walk(opB.key, '/v1/runs', 2);
    expect(json(runs)).toEqual(json(runsB));
    expect((await walk(opB.key, '/v1/runs?workflow=alpha', 1)).runs.map((r) => r.run_id)).toEqual(ids(runsB.filter((r) => r.workflow === 'alpha')));
    // Cursors naming A's runs (its own next_cursor, its newest and oldest run, a tie shared with B): only B's runs past that position.
    const aNext = (await page(viewerA.key, '/v1/runs?limit=3')).next_cursor!;
    const crafted = [
      { cursor: aNext, after: runsA[2] },
      { cursor: cursorOf(runsA[0].created_at, runsA[0].run_id), after: runsA[0] },
      { cursor: cursorOf(runsA[runsA.length - 1].created_at, runsA[runsA.length - 1].run_id), after: runsA[runsA.length - 1] },
      ...runsA.filter((r) => r.created_at === at(5_000)).map((r) => ({ cursor: cursorOf(r.created_at, r.run_id), after: r })),
      { cursor: cursorOf(at(10 ** 9), runsA[0].run_id), after: null },
    ];
    for (const { cursor, after } of crafted) {
      const want = runsB.filter((r) => after === null || newestFirst(r, after) > 0);
      for (const url of [`/v1/runs?limit=100&cursor=${cursor}`, `/api/v1/teams/${b.slug}/runs?limit=100&cursor=${cursor}`]) {
        const got = (await page(opB.key, url)).data;
        expect(
          got.filter((r) => aIds.has(r.run_id)),
          url,
        ).toEqual([]);
        expect(json(got), url).toEqual(json(want));
      }
    }
    // A member of B naming team A gets 404, not A's runs.
    for (const res of [
      await call(opB.key, 'GET', `/api/v1/teams/${a.slug}/runs`),
      await call(opB.key, 'GET', '/v1/runs', undefined, { 'x-mantis-team': a.slug }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain(runsA[0].run_id);
    }
  });

  it('refuses a bad limit, status, workflow or cursor with 400, and serves a large limit', async () => {
    for (const q of [
      'limit=0',
      'limit=-1',
      'limit=1.5',
      'limit=abc',
      'status=bogus',
      'status=',
      'workflow=-x',
      'cursor=garbage',
      `cursor=${Buffer.from('2030-01-01T00:00:00.000Z|').toString('base64url')}`,
      `cursor=${Buffer.from('not a date|run_x').toString('base64url')}`,
      // No run has a year 0 or a NUL in its id: such a cursor did not come from this API.
      `cursor=${cursorOf('0000-01-01T00:00:00.000Z', 'run_x')}`,
      `cursor=${cursorOf('-000001-01-01T00:00:00.000Z', 'run_x')}`,
      `cursor=${cursorOf('2030-01-01T00:00:00.000Z', 'run_\u0000x')}`,
    ]) {
      const res = await call(viewerA.key, 'GET', `/v1/runs?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code, q).toBe('validation_failed');
    }
    const clamped = await page(viewerA.key, '/v1/runs?limit=100000');
    expect(clamped.data).toHaveLength(runsA.length);
  });
});
