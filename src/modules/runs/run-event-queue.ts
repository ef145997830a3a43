import type { Logger } from 'pino';
import type { RunEventInput } from '../executor/executor.port.js';
import type { QueuedEvent, QueuedProgress, RunsRepository } from './runs.repository.js';

/** What is still queued when the run ends: written with its outcome, in the terminal transaction. */
export interface QueuedWrites {
  events: QueuedEvent[];
  progress: QueuedProgress | null;
}

/**
 * A running run's events and progress, written in the order they were
 * recorded as group commits: while one write is in flight, what is recorded
 * meanwhile waits and goes out as the next single statement (a step's
 * `step.finished`, its progress and the next `step.started` are one write).
 * Nothing waits on a timer: a write starts on the turn of the event loop after
 * the first thing queued for it.
 */
export class RunEventQueue {
  private events: { event: RunEventInput; at: number }[] = [];
  private progress: QueuedProgress | null = null;
  private waiters: (() => void)[] = [];
  /** A write is due on the next turn of the event loop. */
  private due = false;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly repo: RunsRepository,
    private readonly teamId: string,
    private readonly runId: string,
    private readonly workerId: string,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the event is written (or its write failed, which is logged). */
  event(event: RunEventInput): Promise<void> {
    this.events.push({ event, at: performance.now() });
    return this.schedule();
  }

  /** The latest figures win: progress queued twice is written once. */
  recordProgress(p: { stepsCompleted?: number; costUsd?: number }): Promise<void> {
    this.progress = { ...(this.progress ?? { workerId: this.workerId }), ...p };
    return this.schedule();
  }

  /**
   * Waits for the write in flight, then hands over what is still queued (a
   * write not yet started included) for the caller to write in its own
   * transaction: the run's terminal one. `written` resolves their waiters.
   */
  async take(): Promise<QueuedWrites & { written: () => void }> {
    while (this.writing) await this.writing;
    const { events, progress, waiters } = this.splice();
    return { events, progress, written: () => waiters.forEach((w) => w()) };
  }

  /** Writes everything queued. */
  async flush(): Promise<void> {
    this.start();
    while (this.writing) await this.writing;
  }

  private get pending(): boolean {
    return this.events.length > 0 || this.progress !== null;
  }

  private schedule(): Promise<void> {
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (!this.writing && !this.due) {
      this.due = true;
      setImmediate(() => {
        this.due = false;
        this.start();
      });
    }
    return done;
  }

  private start(): void {
    if (!this.writing && this.pending) this.writing = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const { events, progress, waiters } = this.splice();
        try {
          await this.repo.appendEvents(this.teamId, this.runId, events, progress);
        } catch (e) {
          this.logger.warn({ runId: this.runId, types: events.map((x) => x.type), err: (e as Error).message }, 'run events not written');
        }
        waiters.forEach((w) => w());
      }
    } finally {
      this.writing = null;
    }
  }

  private splice(): QueuedWrites & { waiters: (() => void)[] } {
    const now = performance.now();
    const events = this.events.splice(0).map(({ event, at }) => ({ ...event, ageMs: now - at }));
    const progress = this.progress;
    this.progress = null;
    return { events, progress, waiters: this.waiters.splice(0) };
  }
}
