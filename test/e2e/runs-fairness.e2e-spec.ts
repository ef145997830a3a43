import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { RunDispatcher } from '../../src/modules/runs/run-dispatcher.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, type TeamFixture } from '../support/factories.js';
import { TestExecutor } from '../support/test-executor.js';

/** Queues `n` runs for a team, oldest first, created `offsetMs` after `base`. */
async function queue(prisma: PrismaClient, team: TeamFixture, n: number, base: number) {
  await prisma.run.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      id: `run_${randomBytes(16).toString('hex')}`,
      teamId: team.id,
      plan: { steps: [{ click: '#a' }] },
      maxCost: 0.01,
      maxTimeMinutes: 1,
      maxSteps: 1,
      maxLoopIterations: 1,
      reservedUsd: 0.01,
      createdAt: new Date(base + i),
    })),
  });
}

describe('fair dispatch between teams', () => {
  let t: TestApp;
  let exec: TestExecutor;
  beforeAll(async () => {
    t = await buildTestApp();
    exec = new TestExecutor(0.01);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Steps a two-slot worker until `enough` holds for the teams of the runs started so far, in start order (or the queue is empty). */
  async function drain(enough: (order: string[]) => boolean): Promise<string[]> {
    const dispatcher = t.app.get(RunDispatcher);
    exec.received.length = 0;
    const order = () => exec.received.map((r) => r.run.teamId);
    // Each pass claims two runs (the worker's slots) and returns once they have finished.
    dispatcher.start(exec, { manual: true, concurrency: 2, leaseSeconds: 10 });
    try {
      while (!enough(order()) && (await dispatcher.tick()).length > 0);
    } finally {
      await dispatcher.stop();
    }
    return order();
  }

  it('starts all 5 runs of a small team within its fair share while another team has 200 queued', async () => {
    const flood = await createTeam(t.prisma, { maxConcurrentRuns: 500 });
    const small = await createTeam(t.prisma);
    const base = Date.now() - 60_000;
    await queue(t.prisma, flood, 200, base);
    await queue(t.prisma, small, 5, base + 10_000);
    // Until the small team's five have started: all of them when fairness fails.
    const order = await drain((o) => o.filter((id) => id === small.id).length === 5);
    const positions = order.flatMap((team, i) => (team === small.id ? [i + 1] : []));
    // Equal weights alternate: the small team's 5th start comes by the 10th, plus one per worker slot of slack.
    expect(positions).toHaveLength(5);
    expect(positions[4]).toBeLessThanOrEqual(10 + 2);
  });

  it('gives a team of weight 3 about three starts for each of a weight-1 team', async () => {
    // The runs the first test did not need to start: out of this one's way.
    await t.prisma.run.updateMany({ where: { status: 'queued' }, data: { status: 'cancelled', finishedAt: new Date() } });
    const light = await createTeam(t.prisma, { maxConcurrentRuns: 500, weight: 1 });
    const heavy = await createTeam(t.prisma, { maxConcurrentRuns: 500, weight: 3 });
    const base = Date.now() - 30_000;
    await queue(t.prisma, light, 40, base);
    await queue(t.prisma, heavy, 40, base + 5_000);
    const order = await drain((o) => o.length >= 20);
    expect(order.length).toBeGreaterThanOrEqual(20);
    const first20 = order.slice(0, 20);
    const heavyShare = first20.filter((id) => id === heavy.id).length;
    expect(heavyShare).toBeGreaterThanOrEqual(13);
    expect(heavyShare).toBeLessThanOrEqual(17);
  });
});
