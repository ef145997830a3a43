import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { IdempotencyStore } from '../../platform/http/idempotency.store.js';
import { LOGGER } from '../../platform/http/logger.js';
import { PROCESS_ROLES, type ProcessRole } from '../../platform/process-roles.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RunCompletionNotifier } from '../webhooks/run-completion.port.js';
import { DispatchRepository, type ClaimedRow } from './dispatch.repository.js';
import { RunExecutor, type ClaimedRun, type RunOutcome } from '../executor/executor.port.js';
import { toRunObject } from './run-object.js';
import { RunEventQueue } from './run-event-queue.js';
import { RunsRepository, type QueuedEvent, type TerminalUpdate } from './runs.repository.js';
import { cancelledError, RunsService } from './runs.service.js';

/** Why a run's signal was aborted. */
export type AbortReason = 'cancelled' | 'timed_out' | 'shutdown' | 'lease_lost';

export interface DispatcherOptions {
  workerId?: string;
  concurrency?: number;
  pollMs?: number;
  leaseSeconds?: number;
  /**
   * No claim or recovery timers: nothing is claimed until `tick()` is called,
   * and a finished run does not pull the next one (tests step the dispatcher
   * this way). Cancellation, lease renewal and housekeeping still run on their
   * timers, since they serve the runs in hand.
   */
  manual?: boolean;
}

interface Active {
  claimed: ClaimedRow;
  controller: AbortController;
  done: Promise<void>;
  costUsd: number;
  stepsCompleted: number;
}

const CANCEL_POLL_MS = 250;
const REAP_MS = 1000;
const GAUGE_MS = 5000;
/** Idempotency records past their 24 hours are deleted by the workers. */
const PURGE_MS = 60_000;
/** A run on its second attempt that loses its worker again fails with worker_lost. */
const MAX_ATTEMPTS = 2;

/**
 * The worker side of runs (worker role only): claims queued runs fairly,
 * holds and renews their leases, carries cancellation and deadlines to the
 * executor through the RunContext signal, records the terminal outcome in one
 * transaction with the completion webhook, and recovers runs of lost workers.
 */
@Injectable()
export class RunDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly active = new Map<string, Active>();
  private readonly timers: NodeJS.Timeout[] = [];
  private executor?: RunExecutor;
  private workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private concurrency: number;
  private pollMs: number;
  private leaseSeconds: number;
  private stopping = false;
  private manual = false;
  private claiming?: Promise<ClaimedRow[]>;

  constructor(
    private readonly dispatch: DispatchRepository,
    private readonly runsRepo: RunsRepository,
    private readonly runs: RunsService,
    private readonly metrics: MetricsService,
    private readonly idempotency: IdempotencyStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(PROCESS_ROLES) private readonly roles: ProcessRole[],
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly injectedExecutor?: RunExecutor,
    @Optional() private readonly notifier?: RunCompletionNotifier,
  ) {
    this.concurrency = config.worker.concurrency;
    this.pollMs = config.worker.pollMs;
    this.leaseSeconds = config.worker.leaseSeconds;
  }

  onApplicationBootstrap(): void {
    if (!this.roles.includes('worker')) return;
    if (!this.injectedExecutor) {
      this.logger.error('worker role without a run executor: runs stay queued');
      return;
    }
    this.start(this.injectedExecutor);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  get id(): string {
    return this.workerId;
  }

  /** Starts claiming and running with this executor (the worker role does it at boot). */
  start(executor: RunExecutor, opts: DispatcherOptions = {}): void {
    if (this.executor) throw new Error('dispatcher already started');
    this.executor = executor;
    this.stopping = false;
    this.workerId = opts.workerId ?? this.workerId;
    this.concurrency = opts.concurrency ?? this.concurrency;
    this.pollMs = opts.pollMs ?? this.pollMs;
    this.leaseSeconds = opts.leaseSeconds ?? this.leaseSeconds;
    this.manual = opts.manual ?? false;
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(() => void fn().catch((err) => this.logger.error({ err }, 'dispatcher task failed')), ms);
      t.unref();
      this.timers.push(t);
    };
    if (!this.manual) {
      every(this.pollMs, () => this.claimPass());
      every(REAP_MS, () => this.reapLost());
    }
    every(CANCEL_POLL_MS, () => this.pollCancels());
    every(Math.max(500, (this.leaseSeconds * 1000) / 3), () => this.renewLeases());
    every(GAUGE_MS, () => this.refreshGauge());
    every(PURGE_MS, () => this.idempotency.purgeExpired());
    this.logger.info({ workerId: this.workerId, concurrency: this.concurrency, manual: this.manual }, 'run dispatcher started');
    if (!this.manual) void this.claimPass().catch((err) => this.logger.error({ err }, 'dispatcher task failed'));
  }

  /**
   * One pass of the dispatch loop, awaited: recovers the runs of lost workers,
   * then claims queued runs up to the free concurrency and resolves, with the
   * claimed run ids, once each of them has finished (its outcome committed, or
   * handed back to the queue). A run the executor holds keeps the pass open.
   */
  async tick(): Promise<string[]> {
    if (this.stopping || !this.executor) return [];
    await this.reapLost();
    const claimed = await this.claimPass();
    await Promise.allSettled(claimed.map((c) => this.active.get(c.run.id)?.done));
    return claimed.map((c) => c.run.id);
  }

  /** Stops claiming; runs in hand are aborted with `shutdown` and go back to the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const a of this.active.values()) a.controller.abort('shutdown' satisfies AbortReason);
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
    this.executor = undefined;
  }

  /** Claims and launches queued runs while slots are free; one pass at a time (a caller during a pass joins it). */
  private claimPass(): Promise<ClaimedRow[]> {
    if (this.stopping || !this.executor) return Promise.resolve([]);
    // Cleared in a callback, never synchronously: a pass with nothing to do must not leave itself behind as the current one.
    this.claiming ??= this.claimWhileFree().finally(() => (this.claiming = undefined));
    return this.claiming;
  }

  private async claimWhileFree(): Promise<ClaimedRow[]> {
    const launched: ClaimedRow[] = [];
    while (!this.stopping && this.active.size < this.concurrency) {
      const claimed = await this.dispatch.claim(this.workerId, this.leaseSeconds);
      if (!claimed) break;
      this.launch(claimed);
      launched.push(claimed);
    }
    return launched;
  }

  private launch(claimed: ClaimedRow): void {
    const controller = new AbortController();
    const entry: Active = { claimed, controller, done: Promise.resolve(), costUsd: claimed.run.costUsd, stepsCompleted: claimed.run.stepsCompleted };
    this.active.set(claimed.run.id, entry);
    entry.done = this.execute(entry)
      .catch((err) => this.logger.error({ err, runId: claimed.run.id }, 'run finish failed'))
      .finally(() => {
        this.active.delete(claimed.run.id);
        if (!this.manual) void this.claimPass().catch((err) => this.logger.error({ err }, 'dispatcher task failed'));
      });
  }

  private async execute(entry: Active): Promise<void> {
    const { run, teamSlug } = entry.claimed;
    const signal = entry.controller.signal;
    // The limit is wall-clock time since the run first started: a retried run does not start its clock again.
    const deadline = new Date((run.startedAt ?? new Date()).getTime() + run.maxTimeMinutes * 60_000);
    const timer = setTimeout(() => entry.controller.abort('timed_out' satisfies AbortReason), Math.max(0, deadline.getTime() - Date.now()));
    timer.unref();
    const queue = new RunEventQueue(this.runsRepo, run.teamId, run.id, this.workerId, this.logger);
    const ctx = {
      signal,
      emit: (event: { type: string; data?: Record<string, unknown> }) => queue.event(event),
      progress: (p: { stepsCompleted?: number; costUsd?: number }) => {
        if (p.costUsd !== undefined) entry.costUsd = p.costUsd;
        if (p.stepsCompleted !== undefined) entry.stepsCompleted = p.stepsCompleted;
        return queue.recordProgress(p);
      },
    };
    let outcome: RunOutcome | undefined;
    let failure: unknown;
    try {
      // Written with the executor's first events (the queue keeps their order).
      void queue.event({ type: 'run.started', data: { attempt: run.attempts } });
      outcome = await this.executor!.execute(this.toClaimedRun(entry.claimed, deadline), ctx);
    } catch (err) {
      failure = err;
    } finally {
      clearTimeout(timer);
    }
    const reason = signal.aborted ? (signal.reason as AbortReason) : undefined;
    if (reason === 'lease_lost' || reason === 'shutdown') {
      await queue.flush();
      if (reason === 'shutdown') await this.dispatch.requeue(run.teamId, run.id, this.workerId);
      return;
    }
    if (failure) this.logger.error({ err: failure, runId: run.id }, 'executor failed');
    // What the run recorded last (its `run.finished`, usually) commits with its outcome.
    const rest = await queue.take();
    try {
      await this.finish(entry, this.terminalUpdate(entry, reason, outcome, failure), teamSlug, rest.events);
    } finally {
      rest.written();
    }
  }

  private terminalUpdate(entry: Active, reason: AbortReason | undefined, outcome: RunOutcome | undefined, failure: unknown): TerminalUpdate {
    const spent = { costUsd: outcome?.costUsd ?? entry.costUsd, stepsCompleted: outcome?.stepsCompleted ?? entry.stepsCompleted };
    const kept = { result: outcome?.result ?? null, stepOutputs: outcome?.stepOutputs ?? [] };
    if (reason === 'cancelled') return { status: 'cancelled', error: cancelledError(), ...spent, ...kept };
    if (reason === 'timed_out') {
      const minutes = entry.claimed.run.maxTimeMinutes;
      return { status: 'timed_out', error: { code: 'timed_out', message: `The run exceeded max_time_minutes (${minutes})` }, ...spent, ...kept };
    }
    if (failure || !outcome) return { status: 'failed', error: { code: 'executor_error', message: 'The run failed inside the executor' }, ...spent };
    return {
      status: outcome.status,
      error: outcome.status === 'succeeded' ? null : (outcome.error ?? { code: outcome.status, message: `The run ${outcome.status}` }),
      ...spent,
      ...kept,
    };
  }

  private async finish(entry: Active, update: TerminalUpdate, teamSlug: string, queued: QueuedEvent[]): Promise<void> {
    const { run } = entry.claimed;
    let row: Awaited<ReturnType<RunsRepository['finish']>>;
    try {
      row = await this.runsRepo.transaction(run.teamId, async (tx) => {
        const done = await this.runsRepo.finish(tx, run.teamId, run.id, update, { status: ['running'], leaseOwner: this.workerId }, queued);
        if (done) await this.notifier?.enqueue(tx, run.teamId, toRunObject(done, teamSlug) as unknown as Record<string, unknown>, done.callbackUrl);
        return done;
      });
    } catch (e) {
      // The run stays running until its lease runs out (then it is retried); its log keeps what it recorded.
      if (queued.length > 0) await this.runsRepo.appendEvents(run.teamId, run.id, queued, null).catch(() => undefined);
      throw e;
    }
    if (row) this.runs.recordTerminal(teamSlug, row);
    // No longer this worker's run (its lease was taken over): its events are still the run's log.
    else if (queued.length > 0) await this.runsRepo.appendEvents(run.teamId, run.id, queued, null);
  }

  private toClaimedRun(c: ClaimedRow, deadline: Date): ClaimedRun {
    return {
      id: c.run.id,
      teamId: c.run.teamId,
      teamSlug: c.teamSlug,
      plan: c.run.plan as ClaimedRun['plan'],
      inputs: (c.run.inputs ?? {}) as Record<string, unknown>,
      stateKey: c.run.stateKey,
      model: c.run.model,
      limits: { maxCost: c.run.maxCost, maxTimeMinutes: c.run.maxTimeMinutes, maxSteps: c.run.maxSteps, maxLoopIterations: c.run.maxLoopIterations },
      team: { allowedDomains: c.allowedDomains, anthropicSecretName: c.anthropicSecretName },
      attempt: c.run.attempts,
      deadline,
    };
  }

  private async pollCancels(): Promise<void> {
    if (this.active.size === 0) return;
    for (const id of await this.dispatch.cancelRequested(this.workerId)) {
      this.active.get(id)?.controller.abort('cancelled' satisfies AbortReason);
    }
  }

  private async renewLeases(): Promise<void> {
    const ids = [...this.active.keys()];
    const held = await this.dispatch.renew(this.workerId, ids, this.leaseSeconds);
    for (const id of ids) {
      const a = this.active.get(id);
      if (a && !held.has(id) && !a.controller.signal.aborted) {
        this.logger.warn({ runId: id }, 'lease lost; abandoning the run');
        a.controller.abort('lease_lost' satisfies AbortReason);
      }
    }
  }

  /** Runs whose worker died: retried once, else failed with worker_lost (or cancelled, if that was asked). */
  private async reapLost(): Promise<void> {
    if (!(await this.dispatch.anyExpired())) return;
    const finished = await this.runsRepo.systemTransaction(async (tx) => {
      const out: { slug: string; row: NonNullable<Awaited<ReturnType<RunsRepository['finish']>>> }[] = [];
      for (const lost of await this.dispatch.lockExpired(tx, 50)) {
        if (!lost.cancelRequested && lost.attempts < MAX_ATTEMPTS) {
          await this.dispatch.requeueLost(tx, lost.teamId, lost.id);
          await this.runsRepo.appendEvent(lost.teamId, lost.id, { type: 'run.retried', data: { reason: 'worker_lost', attempt: lost.attempts } }, tx);
          continue;
        }
        const update: TerminalUpdate = lost.cancelRequested
          ? { status: 'cancelled', error: cancelledError() }
          : { status: 'failed', error: { code: 'worker_lost', message: 'The worker running this run stopped responding' } };
        const row = await this.runsRepo.finish(tx, lost.teamId, lost.id, update, { status: ['running'] });
        if (row) {
          await this.notifier?.enqueue(tx, lost.teamId, toRunObject(row, lost.teamSlug) as unknown as Record<string, unknown>, row.callbackUrl);
          out.push({ slug: lost.teamSlug, row });
        }
      }
      return out;
    });
    for (const f of finished) this.runs.recordTerminal(f.slug, f.row);
  }

  private async refreshGauge(): Promise<void> {
    const counts = await this.dispatch.inFlightByTeam();
    this.metrics.runsInFlight.reset();
    for (const c of counts) this.metrics.runsInFlight.set({ tenant_id: c.slug }, c.n);
  }
}
