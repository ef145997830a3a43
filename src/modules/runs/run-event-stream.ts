import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { TeamContext } from '../../platform/auth/principal.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { LOGGER } from '../../platform/http/logger.js';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { RunsRepository, TERMINAL_STATUSES } from './runs.repository.js';

const POLL_MS = 250;
const KEEPALIVE_MS = 15_000;

/** Server-Sent Events of a run's events, live until the run is terminal and everything was sent. */
@Injectable()
export class RunEventStream {
  constructor(
    private readonly repo: RunsRepository,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {}

  serve(req: MantisRequest, reply: MantisReply, team: TeamContext, runId: string, after: number): void {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let closed = false;
    req.raw.on('close', () => (closed = true));
    // The stream outlives the request's transaction: it reads outside it.
    void this.prisma.detached(() => this.pump(raw, team, runId, after, () => closed)).catch((err) => {
      this.logger.error({ err, runId }, 'event stream failed');
      if (!raw.writableEnded) raw.end();
    });
  }

  private async pump(raw: MantisReply['raw'], team: TeamContext, runId: string, after: number, closed: () => boolean): Promise<void> {
    let cursor = after;
    let lastWrite = Date.now();
    while (!closed()) {
      // Status first: a run seen terminal has written all its events, so the read below gets the last of them.
      const run = await this.repo.find(team.id, runId);
      const events = await this.repo.events(team.id, runId, cursor, 500);
      for (const e of events) {
        raw.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify({ seq: e.seq, type: e.type, ts: e.ts.toISOString(), data: e.data })}\n\n`);
        cursor = e.seq;
        lastWrite = Date.now();
      }
      if (!run || (TERMINAL_STATUSES.includes(run.status) && events.length < 500)) break;
      if (Date.now() - lastWrite > KEEPALIVE_MS) {
        raw.write(': keepalive\n\n');
        lastWrite = Date.now();
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (!raw.writableEnded) raw.end();
  }
}
