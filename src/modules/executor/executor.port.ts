import type { Scope } from '../../platform/auth/principal.js';

export type TerminalStatus = 'succeeded' | 'failed' | 'cancelled' | 'timed_out';

export interface RunLimits {
  maxCost: number;
  maxTimeMinutes: number;
  maxSteps: number;
  maxLoopIterations: number;
}

/** What the dispatcher hands an executor: everything needed, nothing from another team. */
export interface ClaimedRun {
  id: string;
  teamId: string;
  teamSlug: string;
  /** The validated plan of the OpenAPI description (plans): `{start_url?, steps: [...]}`. */
  plan: { start_url?: string; steps: Record<string, unknown>[] };
  inputs: Record<string, unknown>;
  stateKey: string | null;
  model: string | null;
  limits: RunLimits;
  /** The team's settings the executor enforces. */
  team: { allowedDomains: string[]; anthropicSecretName: string };
  /** 1 on the first attempt; a run retried after a lost worker has 2. */
  attempt: number;
  /** Wall-clock instant after which the run is `timed_out`. */
  deadline: Date;
}

export interface RunEventInput {
  type: string;
  data?: Record<string, unknown>;
}

/** What an executor may do while running: report, account, and notice cancellation. */
export interface RunContext {
  /** Aborted on cancel, on timeout and on worker shutdown; `signal.reason` says which. */
  signal: AbortSignal;
  /**
   * Appends to the run's events (the logs), in the order of the calls; resolves
   * once written. Never pass secret values. What is still unwritten when
   * `execute` returns is the context owner's to write (the dispatcher commits
   * it with the run's outcome), so an executor need not wait for it.
   */
  emit(event: RunEventInput): Promise<void>;
  /** Records progress so status polling shows it (steps done, cost so far); written with the events. */
  progress(p: { stepsCompleted?: number; costUsd?: number }): Promise<void>;
}

export interface RunOutcome {
  status: TerminalStatus;
  result?: { extracted: Record<string, unknown>; agent: unknown; screenshots: string[]; final_url: string | null } | null;
  error?: { code: string; message: string } | null;
  costUsd: number;
  stepsCompleted: number;
  stepOutputs?: unknown[];
}

/**
 * Executes one claimed run to a terminal outcome. The dispatcher owns the
 * lease, the status transitions and the database; the executor owns the browser.
 * Declared here, beside its implementation, with nothing from the runs module,
 * so runs depends on the executor and never the other way round (tests
 * provide their own executor in its place).
 */
export abstract class RunExecutor {
  abstract execute(run: ClaimedRun, ctx: RunContext): Promise<RunOutcome>;
}

export const RUN_SCOPES: Record<'start' | 'read' | 'result' | 'logs', Scope> = {
  start: 'run',
  read: 'status',
  result: 'result',
  logs: 'logs',
};
