import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { ApiError } from '../../platform/http/api-error.js';
import { LOGGER } from '../../platform/http/logger.js';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { RunEventNotifier } from './run-event-notifier.js';
import { RunsRepository, TERMINAL_STATUSES } from './runs.repository.js';

const KEEPALIVE_MS = 15_000;
/** Without notices (listener reconnecting) a stream re-reads this often. */
const FALLBACK_CHECK_MS = 2_000;
const PAGE = 500;

interface StreamSignal {
  stopped: boolean;
  dirty: boolean;
  wake: () => void;
}

/**
 * Server-Sent Events of a run's events, live until the run is terminal and
 * everything was sent. A stream wakes on the run's `mantis_run_events`
 * notice, not on a timer; each team has at most MANTIS_MAX_STREAMS_PER_TEAM
 * open in this process (429 rate_limited beyond), and each ends after
 * MANTIS_STREAM_MAX_SECONDS (at most an hour): a client resumes with
 * `Last-Event-ID`.
 */
@Injectable()
export class RunEventStream implements OnApplicationShutdown {
  private readonly open = new Map<string, number>();
  private readonly ends = new Set<() => void>();

  constructor(
    private readonly repo: RunsRepository,
    private readonly notifier: RunEventNotifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {}

  /** Throws 429 rate_limited (before anything is written) when the team has no stream left. */
  serve(req: MantisRequest, reply: MantisReply, team: TeamContext, runId: string, after: number): void {
    const max = this.config.admission.maxStreamsPerTeam;
    const count = this.open.get(team.id) ?? 0;
    if (count >= max) {
      throw new ApiError(
        'rate_limited',
        `The team already has ${max} open event streams; close one or retry later`,
        { max_streams: max },
        { 'Retry-After': '5' },
      );
    }
    this.open.set(team.id, count + 1);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // `dirty`: something may have changed since the last read (a notice, the start, a lost listener).
    const signal: StreamSignal = { stopped: false, dirty: true, wake: () => undefined };
    const poke = (stopping: boolean) => {
      if (stopping) signal.stopped = true;
      else signal.dirty = true;
      signal.wake();
    };
    const end = () => poke(true);
    this.ends.add(end);
    req.raw.on('close', end);
    const lifetime = setTimeout(end, this.config.admission.streamMaxSeconds * 1000);
    const unsubscribe = this.notifier.subscribe(runId, () => poke(false));
    // The stream outlives the request's transaction: it reads outside it.
    void this.prisma
      .detached(() => this.pump(raw, team, runId, after, signal))
      .catch((err) => this.logger.error({ err, runId }, 'event stream failed'))
      .finally(() => {
        clearTimeout(lifetime);
        unsubscribe();
        this.ends.delete(end);
        const left = (this.open.get(team.id) ?? 1) - 1;
        if (left > 0) this.open.set(team.id, left);
        else this.open.delete(team.id);
        if (!raw.writableEnded) raw.end();
      });
  }

  private async pump(raw: MantisReply['raw'], team: TeamContext, runId: string, after: number, signal: StreamSignal): Promise<void> {
    let cursor = after;
    let lastWrite = Date.now();
    while (!signal.stopped) {
      if (signal.dirty) {
        signal.dirty = false;
        // Status first: a run seen terminal has written all its events, so the read below gets the last of them.
        // One short team transaction per read (the stream itself outlives any).
        const [run, events] = await this.prisma.withTeam(team.id, async () => [
          await this.repo.find(team.id, runId),
          await this.repo.events(team.id, runId, cursor, PAGE),
        ]);
        for (const e of events) {
          raw.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify({ seq: e.seq, type: e.type, ts: e.ts.toISOString(), data: e.data })}\n\n`);
          cursor = e.seq;
          lastWrite = Date.now();
        }
        if (!run || (TERMINAL_STATUSES.includes(run.status) && events.length < PAGE)) return;
        if (events.length === PAGE) signal.dirty = true;
        continue;
      }
      const wait = this.notifier.live ? KEEPALIVE_MS - (Date.now() - lastWrite) : FALLBACK_CHECK_MS;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, wait));
        signal.wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (signal.dirty || signal.stopped) signal.wake();
      });
      signal.wake = () => undefined;
      if (!this.notifier.live) signal.dirty = true;
      if (!signal.stopped && Date.now() - lastWrite >= KEEPALIVE_MS) {
        raw.write(': keepalive\n\n');
        lastWrite = Date.now();
      }
    }
  }

  /** Open streams end with the process, so shutdown does not wait an hour. */
  onApplicationShutdown(): void {
    for (const end of [...this.ends]) end();
  }
}
