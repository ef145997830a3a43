/** A run's life: queued → running → one of the four terminal statuses. */
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The route that submitted a run. */
export const RUN_SOURCES = ['predict', 'workflow', 'hook'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];

export interface RunError {
  code: string;
  message: string;
}

/** A run as the runs module works with it (what `RunsRepository` returns). */
export interface Run {
  id: string;
  teamId: string;
  status: RunStatus;
  source: RunSource;
  workflowName: string | null;
  workflowVersion: number | null;
  /** A plan that passed `planSchema` at submission. */
  plan: unknown;
  inputs: Record<string, unknown>;
  stateKey: string | null;
  model: string | null;
  callbackUrl: string | null;
  maxCost: number;
  maxTimeMinutes: number;
  maxSteps: number;
  maxLoopIterations: number;
  costUsd: number;
  reservedUsd: number;
  stepsCompleted: number;
  stepOutputs: unknown[];
  result: unknown;
  error: RunError | null;
  cancelRequested: boolean;
  attempts: number;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  createdByKeyId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

/** What the public run object shows of a run (`toRunObject`); what a listing reads. */
export type RunSummary = Pick<
  Run,
  | 'id'
  | 'status'
  | 'source'
  | 'workflowName'
  | 'stateKey'
  | 'maxCost'
  | 'maxTimeMinutes'
  | 'maxSteps'
  | 'maxLoopIterations'
  | 'costUsd'
  | 'stepsCompleted'
  | 'error'
  | 'createdAt'
  | 'startedAt'
  | 'finishedAt'
>;

export interface RunEvent {
  seq: number;
  type: string;
  data: Record<string, unknown>;
  ts: Date;
}

/** Why an admission was refused, with the numbers its message quotes. */
export type AdmissionRefusal =
  | { reason: 'concurrency'; active: number; maxConcurrentRuns: number }
  | { reason: 'budget'; budgetUsd: number; spentUsd: number; reservedUsd: number; maxCost: number };
