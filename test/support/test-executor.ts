import type { ClaimedRun, RunContext, RunOutcome } from '../../src/modules/executor/executor.port.js';
import { RunExecutor } from '../../src/modules/executor/executor.port.js';

/** What the test executor does with a run: finish at once, or hold it until told (or aborted). */
export type Script = (run: ClaimedRun, ctx: RunContext) => Promise<RunOutcome>;

export interface Received {
  run: ClaimedRun;
  signalReason?: unknown;
  startedAt: number;
}

/**
 * A real RunExecutor for the runs tests: it records every claimed run it is
 * handed, emits a step event, and finishes as the test says. By default it
 * succeeds at once with `result.extracted.run = run id`; `hold()` makes runs
 * wait until `release(runId, outcome)` or until their signal aborts.
 */
export class TestExecutor extends RunExecutor {
  readonly received: Received[] = [];
  private script?: Script;
  private holding = false;
  private readonly waiting = new Map<string, (o: RunOutcome) => void>();
  private readonly early = new Map<string, RunOutcome>();
  private readonly startedListeners: ((id: string) => void)[] = [];

  constructor(private readonly defaultCost = 0.5) {
    super();
  }

  use(script: Script | undefined): this {
    this.script = script;
    return this;
  }

  hold(on = true): this {
    this.holding = on;
    return this;
  }

  release(runId: string, outcome?: Partial<RunOutcome>): void {
    const full = { ...this.success(runId), ...outcome };
    const resolve = this.waiting.get(runId);
    if (resolve) return resolve(full);
    // Handed over but not parked yet: it finishes as soon as it is.
    if (!this.received.some((r) => r.run.id === runId)) throw new Error(`run ${runId} was never handed to this executor`);
    this.early.set(runId, full);
  }

  /** Resolves once the run has been handed to this executor. */
  started(runId: string): Promise<void> {
    if (this.received.some((r) => r.run.id === runId)) return Promise.resolve();
    return new Promise((resolve) => this.startedListeners.push((id) => id === runId && resolve()));
  }

  held(): string[] {
    return [...this.waiting.keys()];
  }

  async execute(run: ClaimedRun, ctx: RunContext): Promise<RunOutcome> {
    const entry: Received = { run, startedAt: Date.now() };
    this.received.push(entry);
    for (const l of this.startedListeners) l(run.id);
    await ctx.emit({ type: 'step.started', data: { index: 0 } });
    if (this.script) return this.script(run, ctx);
    if (!this.holding) {
      await ctx.progress({ stepsCompleted: run.plan.steps.length, costUsd: this.defaultCost });
      return this.success(run.id, run.plan.steps.length);
    }
    return new Promise<RunOutcome>((resolve) => {
      const onAbort = () => {
        entry.signalReason = ctx.signal.reason;
        this.waiting.delete(run.id);
        resolve({ status: 'failed', costUsd: 0.1, stepsCompleted: 0, error: { code: 'aborted', message: String(ctx.signal.reason) } });
      };
      // A signal aborted before we listen (e.g. a deadline already past) never fires again.
      if (ctx.signal.aborted) return onAbort();
      const released = this.early.get(run.id);
      if (released) {
        this.early.delete(run.id);
        return resolve(released);
      }
      this.waiting.set(run.id, (o) => {
        this.waiting.delete(run.id);
        resolve(o);
      });
      ctx.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private success(runId: string, steps = 1): RunOutcome {
    return {
      status: 'succeeded',
      costUsd: this.defaultCost,
      stepsCompleted: steps,
      result: { extracted: { run: runId }, agent: null, screenshots: [], final_url: null },
      stepOutputs: [{ step: 0, ok: true }],
    };
  }
}
