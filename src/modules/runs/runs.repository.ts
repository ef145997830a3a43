import { Injectable } from '@nestjs/common';
import { Prisma, type Run as RunRecord } from '../../generated/prisma/client.js';
import { PrismaService, type Tx } from '../../platform/database/prisma.service.js';
import { sqlStateOf } from '../../platform/database/repository-errors.js';
import type { Statement } from '../../platform/database/team-scope.js';
import type { RunEventInput, TerminalStatus } from '../executor/executor.port.js';
import type { AdmissionRefusal, Run, RunError, RunEvent, RunSource, RunStatus, RunSummary } from './run.js';

export type RunRow = Run;

export const ACTIVE_STATUSES = ['queued', 'running'] as const;
export const TERMINAL_STATUSES: readonly string[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];

/**
 * The domain run of a row. `status` and `source` hold one of RUN_STATUSES and
 * RUN_SOURCES (CHECK constraints refuse anything else); the JSON columns hold
 * what this repository wrote into them.
 */
export function toRun(r: RunRecord): Run {
  return {
    ...r,
    status: r.status as RunStatus,
    source: r.source as RunSource,
    inputs: (r.inputs ?? {}) as Record<string, unknown>,
    stepOutputs: (r.stepOutputs ?? []) as unknown[],
    result: r.result,
    error: (r.error as RunError | null) ?? null,
  };
}

const toRunOrNull = (r: RunRecord | null): Run | null => (r ? toRun(r) : null);

/** What admission inserts: the run's fields that the submit decides (the rest take their defaults). */
export type NewRun = Pick<
  Run,
  | 'id'
  | 'source'
  | 'workflowName'
  | 'workflowVersion'
  | 'plan'
  | 'inputs'
  | 'stateKey'
  | 'model'
  | 'callbackUrl'
  | 'maxCost'
  | 'maxTimeMinutes'
  | 'maxSteps'
  | 'maxLoopIterations'
  | 'createdByKeyId'
>;

export interface AdmissionRules {
  maxConcurrentRuns: number;
  monthlyBudgetUsd: number | null;
}

export interface TeamSettings {
  id: string;
  slug: string;
  maxConcurrentRuns: number;
  maxCostPerRun: number;
  maxTimeMinutesPerRun: number;
  maxStepsPerPlan: number | null;
  maxLoopIterations: number | null;
  monthlyBudgetUsd: number | null;
  allowedDomains: string[];
  anthropicSecretName: string;
  weight: number;
}

export interface TerminalUpdate {
  status: TerminalStatus;
  costUsd?: number;
  stepsCompleted?: number;
  result?: unknown;
  error?: { code: string; message: string } | null;
  stepOutputs?: unknown[];
}

export interface ListFilter {
  status?: RunStatus;
  workflow?: string;
  limit: number;
  cursor?: { createdAt: Date; id: string };
}

/**
 * Under a burst, waiters on a team's lock hold pooled connections; Prisma's
 * default 2 s wait for a connection would turn a queue into errors.
 */
const TX_WAIT = { maxWait: 15_000, timeout: 15_000 };

const json = (v: unknown) => (v === null || v === undefined ? Prisma.JsonNull : (v as Prisma.InputJsonValue));

/** Runs and their events. Every method takes the team id first; nothing crosses teams. */
@Injectable()
export class RunsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** On every submit: one statement on the pool (see `teamRead`), no query engine. */
  async teamSettings(teamId: string): Promise<TeamSettings | null> {
    const [row] = await this.prisma.teamRead<TeamSettings>(teamId, TEAM_SETTINGS_SQL, [teamId]);
    return row ?? null;
  }

  /**
   * Admits and inserts a run: the statements of one transaction, for
   * `PrismaService.teamBatch` (sent in one round trip, with `alsoInTx`: its
   * idempotency record, its audit event). The per-team advisory lock
   * serializes admissions of one team across every replica; the insert runs
   * after it in a fresh READ COMMITTED snapshot, so its count of active runs
   * and the month's reservations include every admission before it. A
   * refusal raises in that statement (`admissionRefusal` reads why), so
   * nothing sent with it commits. Returns the statements' rows.
   */
  async admit(teamId: string, run: NewRun & { createdAt: Date }, rules: AdmissionRules, alsoInTx: Statement[] = []): Promise<unknown[][]> {
    return this.prisma.teamBatch(teamId, [
      { text: 'SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended($1::text, 7))) l', values: [teamId] },
      {
        text: ADMIT_SQL,
        values: [
          run.id,
          teamId,
          run.source,
          run.workflowName,
          run.workflowVersion,
          JSON.stringify(run.plan),
          JSON.stringify(run.inputs),
          run.stateKey,
          run.model,
          run.callbackUrl,
          run.maxCost,
          run.maxTimeMinutes,
          run.maxSteps,
          run.maxLoopIterations,
          run.createdByKeyId,
          run.createdAt.toISOString(),
          rules.maxConcurrentRuns,
          rules.monthlyBudgetUsd,
          JSON.stringify({ source: run.source }),
        ],
      },
      ...alsoInTx,
    ]);
  }

  /**
   * Why `admit` was refused, from the error its statement raised (the
   * figures it read under the lock); undefined for any other error.
   */
  admissionRefusal(e: unknown, run: NewRun, rules: AdmissionRules): AdmissionRefusal | undefined {
    const state = sqlStateOf(e);
    if (state?.code !== ADMISSION_REFUSED || !state.detail) return undefined;
    const usage = JSON.parse(state.detail) as { active: number; spent: number | null; reserved: number | null };
    if (usage.active >= rules.maxConcurrentRuns || rules.monthlyBudgetUsd === null) {
      return { reason: 'concurrency', active: usage.active, maxConcurrentRuns: rules.maxConcurrentRuns };
    }
    return { reason: 'budget', budgetUsd: rules.monthlyBudgetUsd, spentUsd: usage.spent ?? 0, reservedUsd: usage.reserved ?? 0, maxCost: run.maxCost };
  }

  /** A run of the team by id: the hottest read (status polling), so it bypasses the query engine (see `teamRead`). */
  async find(teamId: string, runId: string): Promise<RunRow | null> {
    const [row] = await this.prisma.teamRead<RunColumns>(teamId, FIND_RUN_SQL, [runId, teamId]);
    return row ? toRun(fromColumns(row)) : null;
  }

  /**
   * A page of the team's runs, newest first (`created_at`, then `id`, both
   * descending), past the cursor's position: one statement through the pool under
   * row-level security (`teamRead`), reading only the columns of the run
   * object (the plan, inputs, outputs and result can be large and a page shows
   * none of them).
   */
  async list(teamId: string, f: ListFilter): Promise<RunSummary[]> {
    const values: unknown[] = [teamId];
    const param = (v: unknown) => `$${values.push(v)}`;
    let where = 'team_id = $1::uuid';
    if (f.status) where += ` AND status = ${param(f.status)}`;
    if (f.workflow) where += ` AND workflow_name = ${param(f.workflow)}`;
    if (f.cursor) {
      const at = param(timestamptzText(f.cursor.createdAt));
      where += ` AND (created_at < ${at}::timestamptz OR (created_at = ${at}::timestamptz AND id < ${param(f.cursor.id)}))`;
    }
    const text = `SELECT ${SUMMARY_COLUMNS} FROM runs WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ${param(f.limit)}::int`;
    return this.prisma.teamRead<RunSummary>(teamId, text, values);
  }

  async events(teamId: string, runId: string, afterSeq: number, limit: number): Promise<RunEvent[]> {
    const rows = await this.prisma.withTeam(teamId, (tx) =>
      tx.runEvent.findMany({
        where: { teamId, runId, seq: { gt: afterSeq } },
        orderBy: { seq: 'asc' },
        take: limit,
        select: { seq: true, type: true, data: true, ts: true },
      }),
    );
    return rows.map((e) => ({ ...e, data: e.data as Record<string, unknown> }));
  }

  /** Appends an event with the next sequence number; a concurrent writer makes us retry. */
  async appendEvent(teamId: string, runId: string, event: RunEventInput, tx?: Tx): Promise<number> {
    // With `tx`, in the caller's transaction and scope; else a statement in the team's own. A concurrent
    // writer taking the same sequence number is retried inside the statement (migration 20261203200000),
    // so the caller's transaction survives it.
    const insert = (db: Tx) =>
      db.$queryRaw<
        { seq: number }[]
      >`SELECT mantis_append_run_event(${runId}, ${teamId}::uuid, ${event.type}, ${JSON.stringify(event.data ?? {})}::jsonb) AS seq`;
    const [row] = await (tx ? insert(tx) : this.prisma.withTeam(teamId, insert));
    return row.seq;
  }

  /**
   * Appends events in one statement, in order, with the next sequence numbers,
   * and with `progress` also records the run's progress (only while `workerId`
   * holds it). `ageMs` dates each event by
   * when it was recorded, on the database's clock. Without `tx`: one statement
   * in the team's scope straight through the pool; a concurrent writer makes
   * us retry. With `tx`: in the caller's transaction.
   */
  async appendEvents(teamId: string, runId: string, events: QueuedEvent[], progress: QueuedProgress | null, tx?: Tx): Promise<void> {
    const values = [
      runId,
      teamId,
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.data ?? {})),
      events.map((e) => Math.max(0, e.ageMs) / 1000),
      progress?.workerId ?? null,
      progress?.stepsCompleted ?? null,
      progress?.costUsd ?? null,
    ];
    for (let attempt = 0; ; attempt++) {
      try {
        if (tx) await tx.$queryRawUnsafe(APPEND_EVENTS_SQL, ...values);
        else await this.prisma.teamBatch(teamId, [{ text: APPEND_EVENTS_SQL, values }]);
        return;
      } catch (e) {
        if (tx || attempt >= 5 || !String((e as Error).message).includes('run_events_run_id_seq_key')) throw e;
      }
    }
  }

  /** Locks the run row for a status change. */
  async lockForUpdate(tx: Tx, teamId: string, runId: string): Promise<RunRow | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM runs WHERE id = ${runId} AND team_id = ${teamId}::uuid FOR UPDATE`;
    if (rows.length === 0) return null;
    return toRunOrNull(await tx.run.findUnique({ where: { id: runId } }));
  }

  /** One transaction in the team's scope. */
  async transaction<T>(teamId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.withTeam(teamId, fn, TX_WAIT);
  }

  /** One transaction across teams: the worker's recovery of runs whose lease expired, whichever team they belong to. */
  async systemTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.system(fn, TX_WAIT);
  }

  async requestCancel(tx: Tx, teamId: string, runId: string): Promise<RunRow> {
    // The worker holding the run polls for this flag every 250 ms and aborts the run's signal.
    return toRun(await tx.run.update({ where: { id: runId, teamId }, data: { cancelRequested: true } }));
  }

  /**
   * Makes a run terminal: settles the reservation (reserved → 0, cost → real
   * cost) and clears the lease. `expect` guards the transition (e.g. only from
   * the worker that holds the lease); returns null when it no longer applies.
   */
  async finish(
    tx: Tx,
    teamId: string,
    runId: string,
    u: TerminalUpdate,
    expect: { status: string[]; leaseOwner?: string },
    /** The run's events still queued, written before its terminal event (their progress is the update's). */
    queued: QueuedEvent[] = [],
  ): Promise<RunRow | null> {
    const where: Prisma.RunWhereInput = { id: runId, teamId, status: { in: expect.status } };
    if (expect.leaseOwner) where.leaseOwner = expect.leaseOwner;
    const data: Prisma.RunUpdateManyMutationInput = {
      status: u.status,
      finishedAt: new Date(),
      reservedUsd: 0,
      leaseOwner: null,
      leaseExpiresAt: null,
      error: json(u.error ?? null),
    };
    if (u.costUsd !== undefined) data.costUsd = u.costUsd;
    if (u.stepsCompleted !== undefined) data.stepsCompleted = u.stepsCompleted;
    if (u.result !== undefined) data.result = json(u.result);
    if (u.stepOutputs !== undefined) data.stepOutputs = json(u.stepOutputs);
    const { count } = await tx.run.updateMany({ where, data });
    if (count === 0) return null;
    if (queued.length > 0) await this.appendEvents(teamId, runId, queued, null, tx);
    await this.appendEvent(teamId, runId, { type: `run.${u.status}`, data: u.error ? { error: u.error } : {} }, tx);
    return toRunOrNull(await tx.run.findUnique({ where: { id: runId } }));
  }
}

const FIND_RUN_SQL = 'SELECT * FROM runs WHERE id = $1 AND team_id = $2::uuid';

/** The columns of `RunSummary`, under its names. */
const SUMMARY_COLUMNS = `id, status, source, workflow_name AS "workflowName", state_key AS "stateKey", max_cost AS "maxCost",
  max_time_minutes AS "maxTimeMinutes", max_steps AS "maxSteps", max_loop_iterations AS "maxLoopIterations", cost_usd AS "costUsd",
  steps_completed AS "stepsCompleted", error, created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

/**
 * A time as PostgreSQL reads it, in UTC, to the millisecond: `toISOString`
 * writes years past 9999 as `+010000`, which PostgreSQL takes for a time zone.
 */
function timestamptzText(d: Date): string {
  return d.toISOString().replace(/^\+0*/, '');
}

/** An event waiting to be written, and how long ago it was recorded. */
export interface QueuedEvent extends RunEventInput {
  ageMs: number;
}

/** Progress to record with a batch of events, under the lease of `workerId`. */
export interface QueuedProgress {
  workerId: string;
  stepsCompleted?: number;
  costUsd?: number;
}

// $1 run, $2 team, $3 types, $4 data (JSON texts), $5 ages in seconds, $6 lease owner (null: no progress), $7 steps, $8 cost.
// An event is dated when it was recorded, never before the run's last event nor after this transaction began.
const APPEND_EVENTS_SQL = `
  WITH base AS (SELECT coalesce(max(seq), 0) AS n, max(ts) AS last FROM run_events WHERE run_id = $1),
  ev AS (
    INSERT INTO run_events (run_id, team_id, seq, type, data, ts)
    SELECT $1, $2::uuid, base.n + e.ord, e.type, e.data::jsonb, greatest(base.last, now() - make_interval(secs => e.age))
      FROM base, unnest($3::text[], $4::text[], $5::float8[]) WITH ORDINALITY AS e(type, data, age, ord)
    RETURNING seq
  ), pr AS (
    UPDATE runs SET steps_completed = coalesce($7::int, steps_completed), cost_usd = coalesce($8::float8, cost_usd), updated_at = now()
     WHERE $6::text IS NOT NULL AND id = $1 AND team_id = $2::uuid AND lease_owner = $6::text AND status = 'running'
    RETURNING id
  )
  SELECT (SELECT count(*) FROM ev)::int AS events, (SELECT count(*) FROM pr)::int AS progressed`;
const TEAM_SETTINGS_SQL = `
  SELECT id, slug, max_concurrent_runs AS "maxConcurrentRuns", max_cost_per_run AS "maxCostPerRun",
         max_time_minutes_per_run AS "maxTimeMinutesPerRun", max_steps_per_plan AS "maxStepsPerPlan",
         max_loop_iterations AS "maxLoopIterations", monthly_budget_usd AS "monthlyBudgetUsd",
         allowed_domains AS "allowedDomains", anthropic_secret_name AS "anthropicSecretName", weight
    FROM teams WHERE id = $1::uuid`;

/** The SQLSTATE `mantis_admission_refused` raises (migration 20261203100000_admission_refusal). */
const ADMISSION_REFUSED = 'MA429';

/**
 * Admission in one statement, after the lock: the team's active runs and
 * (only when a budget applies) the month's usage, the run and its first event
 * inserted when both allow it, else `mantis_admission_refused` raises with
 * those figures. $17 max_concurrent_runs, $18 the monthly budget (null: none).
 */
const ADMIT_SQL = `
  WITH usage AS (
    SELECT (SELECT count(*) FROM runs WHERE team_id = $2::uuid AND status IN ('queued', 'running'))::int AS active, b.spent, b.reserved
      FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT spent, reserved FROM mantis_budget_usage($2::uuid) WHERE $18::float8 IS NOT NULL) b ON true
  ), verdict AS (
    SELECT active < $17::int AND ($18::float8 IS NULL OR spent + reserved + $11::float8 <= $18::float8 + 1e-9) AS admitted FROM usage
  ), run AS (
    INSERT INTO runs (id, team_id, source, workflow_name, workflow_version, plan, inputs, state_key, model, callback_url,
                      max_cost, max_time_minutes, max_steps, max_loop_iterations, reserved_usd, created_by_key_id, created_at, updated_at)
    SELECT $1, $2::uuid, $3, $4, $5::int, $6::jsonb, $7::jsonb, $8, $9, $10, $11::float8, $12::int, $13::int, $14::int, $11::float8,
           $15::uuid, $16::timestamptz, now()
      FROM verdict WHERE admitted
    RETURNING id, team_id
  ), event AS (
    INSERT INTO run_events (run_id, team_id, seq, type, data) SELECT id, team_id, 1, 'run.queued', $19::jsonb FROM run
  )
  SELECT CASE WHEN verdict.admitted THEN true
              ELSE mantis_admission_refused(jsonb_build_object('active', usage.active, 'spent', usage.spent, 'reserved', usage.reserved)) END AS admitted
    FROM usage, verdict`;

/** A `runs` row as the database names its columns. */
export type RunColumns = {
  [K in keyof RunRecord as K extends string ? SnakeCase<K> : never]: RunRecord[K];
};
type SnakeCase<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<T>}` : S;

export function fromColumns(c: RunColumns): RunRecord {
  return {
    id: c.id,
    teamId: c.team_id,
    status: c.status,
    source: c.source,
    workflowName: c.workflow_name,
    workflowVersion: c.workflow_version,
    plan: c.plan,
    inputs: c.inputs,
    stateKey: c.state_key,
    model: c.model,
    callbackUrl: c.callback_url,
    maxCost: c.max_cost,
    maxTimeMinutes: c.max_time_minutes,
    maxSteps: c.max_steps,
    maxLoopIterations: c.max_loop_iterations,
    costUsd: c.cost_usd,
    reservedUsd: c.reserved_usd,
    stepsCompleted: c.steps_completed,
    stepOutputs: c.step_outputs,
    result: c.result,
    error: c.error,
    cancelRequested: c.cancel_requested,
    attempts: c.attempts,
    leaseOwner: c.lease_owner,
    leaseExpiresAt: c.lease_expires_at,
    createdByKeyId: c.created_by_key_id,
    createdAt: c.created_at,
    startedAt: c.started_at,
    finishedAt: c.finished_at,
    updatedAt: c.updated_at,
  };
}
