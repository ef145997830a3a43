import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunDispatcher } from '../../src/modules/runs/run-dispatcher.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';
import { TestExecutor } from '../support/test-executor.js';

/** The lease the worker processes and the live worker take their runs with (test/support/worker-process.ts defaults to it too). */
const LEASE_SECONDS = 2;

/** Starts a real worker process on the test database; resolves with the first run it claims. */
function startWorker(databaseUrl: string): { child: ChildProcess; claimed: Promise<{ claimed: string; attempt: number }> } {
  const child = spawn(process.execPath, ['--import', './test/support/ts-loader.mjs', 'test/support/worker-process.ts', databaseUrl, '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const claimed = new Promise<{ claimed: string; attempt: number }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const msg = JSON.parse(line);
      if (msg.claimed) resolve(msg);
    });
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before claiming: ${stderr.slice(-2000)}`)));
  });
  return { child, claimed };
}

describe('leases: a killed worker loses its runs to the others', () => {
  let t: TestApp;
  let team: TeamFixture;
  let key: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    t = await buildTestApp({ env: { MANTIS_SYNC_WAIT_SECONDS: '0' } });
    team = await createTeam(t.prisma, { maxConcurrentRuns: 10 });
    key = (await createUser(t.prisma, { team, role: 'operator' })).key;
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await t?.close();
  });

  const submit = async () =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/v1/predict',
        headers: { 'x-mantis-token': key },
        payload: { plan: { steps: [{ click: '#a' }] }, detached: true },
      })
    ).json().run_id as string;

  it('retries a run once after its worker process is killed, then fails it with worker_lost', async () => {
    const runId = await submit();
    const first = startWorker(t.databaseUrl);
    children.push(first.child);
    expect(await first.claimed).toMatchObject({ claimed: runId, attempt: 1 });
    expect((await t.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe('running');
    first.child.kill('SIGKILL');

    // Another worker notices the expired lease and puts the run back in the queue; a second worker process takes it.
    const second = startWorker(t.databaseUrl);
    children.push(second.child);
    const reaper = t.app.get(RunDispatcher);
    reaper.start(new TestExecutor().hold(true), { manual: true, concurrency: 0 });
    // Each poll is one recovery pass of this (claim-less) worker; the wait is for the lease to lapse.
    const afterRecovery = async () => (await reaper.tick(), (await t.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status);
    const lapse = { interval: 100, timeout: LEASE_SECONDS * 1000 * 10 };
    try {
      expect(await second.claimed).toMatchObject({ claimed: runId, attempt: 2 });
      const events = await t.prisma.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
      expect(events.map((e) => e.type)).toContain('run.retried');
      second.child.kill('SIGKILL');

      await expect.poll(afterRecovery, lapse).toBe('failed');
      const row = await t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      expect(row).toMatchObject({ attempts: 2, reservedUsd: 0, leaseOwner: null, error: { code: 'worker_lost' } });
      expect(row.finishedAt).not.toBeNull();
    } finally {
      await reaper.stop();
    }
    // Its time goes to starting two worker processes from the TypeScript sources (seconds each on a loaded machine), not to waiting.
  }, 120_000);

  it('a live worker keeps its lease past the lease time by renewing it', async () => {
    const runId = await submit();
    const exec = new TestExecutor().hold(true);
    const dispatcher = t.app.get(RunDispatcher);
    const workerId = `live-${randomBytes(2).toString('hex')}`;
    dispatcher.start(exec, { manual: true, leaseSeconds: LEASE_SECONDS, concurrency: 1, workerId });
    const find = () => t.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    try {
      const pass = dispatcher.tick();
      await exec.started(runId);
      const claimedUntil = (await find()).leaseExpiresAt!.getTime();
      // Time is what is under test: wait until the lease it was claimed with has run out (renewals come every third of it).
      await expect
        .poll(async () => Date.now() > claimedUntil + 200 && (await find()).leaseExpiresAt!.getTime() > Date.now(), {
          interval: 100,
          timeout: LEASE_SECONDS * 1000 * 5,
        })
        .toBe(true);
      // A recovery pass would take back a lapsed lease; this one is held.
      expect(await dispatcher.tick()).toEqual([]);
      expect(await find()).toMatchObject({ status: 'running', attempts: 1, leaseOwner: workerId });
      exec.release(runId);
      expect(await pass).toEqual([runId]);
      expect((await find()).status).toBe('succeeded');
    } finally {
      await dispatcher.stop();
    }
  });
});
