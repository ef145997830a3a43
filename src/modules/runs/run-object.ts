import type { Run, RunSummary } from './run.js';
import type { RunObject, RunResult } from './runs.schemas.js';

export type { RunObject, RunResult } from './runs.schemas.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The public run object of the OpenAPI description (runs); the team slug is the tenant id. */
export function toRunObject(row: RunSummary, teamSlug: string): RunObject {
  return {
    run_id: row.id,
    tenant_id: teamSlug,
    status: row.status,
    created_at: row.createdAt.toISOString(),
    started_at: iso(row.startedAt),
    finished_at: iso(row.finishedAt),
    state_key: row.stateKey,
    limits: {
      max_cost: row.maxCost,
      max_time_minutes: row.maxTimeMinutes,
      max_steps: row.maxSteps,
      max_loop_iterations: row.maxLoopIterations,
    },
    cost_usd: row.costUsd,
    steps_completed: row.stepsCompleted,
    workflow: row.workflowName,
    source: row.source,
    error: row.error ?? null,
  };
}

/** The object of a run just admitted, before any worker touched it (same shape as a queued row). */
export function queuedRunObject(
  run: Pick<Run, 'id' | 'createdAt' | 'stateKey' | 'maxCost' | 'maxTimeMinutes' | 'maxSteps' | 'maxLoopIterations' | 'workflowName' | 'source'>,
  teamSlug: string,
): RunObject {
  return toRunObject({ ...run, status: 'queued', startedAt: null, finishedAt: null, costUsd: 0, stepsCompleted: 0, error: null }, teamSlug);
}

export function toRunResult(row: Run): RunResult {
  return {
    run_id: row.id,
    status: row.status,
    result: row.result ?? null,
    cost_usd: row.costUsd,
    error: row.error ?? null,
  };
}
