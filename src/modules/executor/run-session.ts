import type { Logger } from 'pino';
import type { ClaimedRun, RunContext } from './executor.port.js';
import { RunFailure } from './run-failure.js';
import type { RunTemplating } from './templating.js';

/** Reads why a run's signal fired: the dispatcher's reason, else the deadline. */
export function abortFailure(reason: unknown, deadline: Date): RunFailure {
  const text = String((reason as { code?: string })?.code ?? (reason as Error)?.message ?? reason ?? '').toLowerCase();
  if (text.includes('time') || Date.now() >= deadline.getTime()) return new RunFailure('timed_out', 'The run reached its max_time_minutes');
  if (text.includes('shutdown') || text.includes('lost')) return new RunFailure('worker_shutdown', 'The worker stopped while the run was executing');
  return new RunFailure('cancelled', 'The run was cancelled');
}

/**
 * Per-run plumbing: events fired by steps and browser callbacks, handed on in
 * order with every secret value redacted before it is written, and
 * one abort signal for cancellation, worker shutdown and the run's deadline.
 */
export class RunSession {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly secretsReported = new Set<string>();
  private rejectAbort!: (e: RunFailure) => void;
  /** Rejects with the run's failure once the run is aborted. */
  readonly aborted: Promise<never>;
  templating!: RunTemplating;

  constructor(
    readonly run: ClaimedRun,
    private readonly ctx: RunContext,
    private readonly logger: Logger,
  ) {
    this.aborted = new Promise<never>((_, reject) => (this.rejectAbort = reject));
    this.aborted.catch(() => undefined);
    const onAbort = (reason: unknown) => {
      if (this.controller.signal.aborted) return;
      const failure = abortFailure(reason, run.deadline);
      this.controller.abort(failure);
      this.rejectAbort(failure);
    };
    if (ctx.signal.aborted) onAbort(ctx.signal.reason);
    else ctx.signal.addEventListener('abort', () => onAbort(ctx.signal.reason), { once: true });
    const ms = Math.max(0, run.deadline.getTime() - Date.now());
    this.timer = setTimeout(() => onAbort('timeout'), Math.min(ms, 2 ** 31 - 1));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The abort failure, when the run has been aborted. */
  get abortReason(): RunFailure | null {
    return this.controller.signal.aborted ? (this.controller.signal.reason as RunFailure) : null;
  }

  /** Milliseconds left before the deadline. */
  remainingMs(): number {
    return this.run.deadline.getTime() - Date.now();
  }

  /**
   * Hands an event to the run's context, which writes events in the order
   * they are recorded; values are redacted before they reach the run's logs.
   * Nothing here waits for the database: what is still unwritten when the run
   * returns is written by the context's owner (the dispatcher: with the outcome).
   */
  record(type: string, data: Record<string, unknown> = {}): void {
    const safe = this.templating ? this.templating.redact(data) : data;
    this.ctx.emit({ type, data: safe }).catch((e: Error) => {
      this.logger.warn({ runId: this.run.id, type, err: e.message }, 'run event not written');
    });
  }

  secretUsed(name: string): void {
    if (this.secretsReported.has(name)) return;
    this.secretsReported.add(name);
    this.record('secret.used', { name });
  }

  /** Queued with the events, so a step never waits for the database. */
  progress(p: { stepsCompleted?: number; costUsd?: number }): Promise<void> {
    this.ctx.progress(p).catch((e: Error) => {
      this.logger.warn({ runId: this.run.id, err: e.message }, 'run progress not written');
    });
    return Promise.resolve();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
