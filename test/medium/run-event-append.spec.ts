import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunsRepository } from '../../src/modules/runs/runs.repository.js';
import { createTeam } from '../support/factories.js';
import { bootMedium, type MediumApp } from '../support/medium.js';

/**
 * Writers of one run's events do not lock each other out: a worker's queued
 * events commit beside the API's cancel request. When another writer has
 * taken the next sequence number first, an event written in a transaction
 * (the cancel's) takes the one after it, and the transaction commits.
 */
describe('run events written by two writers at once', () => {
  let m: MediumApp;
  let other: pg.Client;

  beforeAll(async () => {
    m = await bootMedium();
    other = new pg.Client({ connectionString: m.databaseUrl });
    await other.connect();
  });
  afterAll(async () => {
    await other?.end();
    await m?.close();
  });

  it('an event in a transaction takes the number after one another writer committed meanwhile', async () => {
    const team = await createTeam(m.prisma);
    const runId = `run_${'e'.repeat(32)}`;
    await other.query(
      `INSERT INTO runs (id, team_id, plan, max_cost, max_time_minutes, max_steps, max_loop_iterations, reserved_usd, status, updated_at)
       VALUES ($1, $2, '{"steps":[]}', 1, 1, 1, 1, 0, 'running', now())`,
      [runId, team.id],
    );
    await other.query(`INSERT INTO run_events (run_id, team_id, seq, type) VALUES ($1, $2, 1, 'run.queued')`, [runId, team.id]);
    // The other writer (a worker's queue) has written seq 2 and not committed yet.
    await other.query('BEGIN');
    await other.query(`INSERT INTO run_events (run_id, team_id, seq, type) VALUES ($1, $2, 2, 'step.started')`, [runId, team.id]);

    const repo = m.get(RunsRepository);
    const cancel = repo.transaction(team.id, async (tx) => {
      const seq = await repo.appendEvent(team.id, runId, { type: 'run.cancel_requested', data: {} }, tx);
      await tx.$executeRaw`UPDATE runs SET cancel_requested = true WHERE id = ${runId}`;
      return seq;
    });
    // The cancel's insert waits on seq 2's writer; once that commits, it takes 3.
    await expect.poll(async () => (await other.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`)).rows[0].n).toBeGreaterThan(0);
    await other.query('COMMIT');
    await expect(cancel).resolves.toBe(3);

    const { rows } = await other.query(`SELECT seq, type FROM run_events WHERE run_id = $1 ORDER BY seq`, [runId]);
    expect(rows).toEqual([
      { seq: 1, type: 'run.queued' },
      { seq: 2, type: 'step.started' },
      { seq: 3, type: 'run.cancel_requested' },
    ]);
    expect((await other.query(`SELECT cancel_requested FROM runs WHERE id = $1`, [runId])).rows[0].cancel_requested).toBe(true);
  });
});
