import { Controller, Get, Inject, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTeam, RequireRole, RequireScopes, TeamScoped } from '../../platform/auth/auth.decorators.js';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { OwnTransaction, ScopedReads } from '../../platform/database/own-transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { Audit } from '../audit/audit.decorator.js';
import { RunEventStream } from './run-event-stream.js';
import { listRunsQuerySchema, logsQuerySchema, runEventsSchema, runListSchema, runObjectSchema, runResultSchema } from './runs.schemas.js';
import { RunsService } from './runs.service.js';

type ListQuery = ReturnType<typeof listRunsQuerySchema.parse>;
type LogsQuery = ReturnType<typeof logsQuerySchema.parse>;

@ApiTags('runs')
@Controller()
@TeamScoped()
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly stream: RunEventStream,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Get(['v1/runs', 'api/v1/teams/:team/runs'])
  @RequireScopes('status')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'List runs, newest first', description: 'Keyset pagination: pass `next_cursor` back as `cursor`; null on the last page.' })
  @ZodQuery(listRunsQuerySchema)
  @ZodResponse(200, runListSchema)
  @ScopedReads()
  list(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(listRunsQuerySchema, 'query')) q: ListQuery) {
    return this.runs.list(team, { status: q.status, workflow: q.workflow, limit: q.limit, cursor: q.cursor });
  }

  @Get(['v1/runs/:run_id', 'api/v1/teams/:team/runs/:run_id'])
  @RequireScopes('status')
  @RequireRole('viewer')
  @ZodResponse(200, runObjectSchema)
  @ScopedReads()
  get(@CurrentTeam() team: TeamContext, @Param('run_id') runId: string) {
    return this.runs.get(team, runId);
  }

  @Get(['v1/runs/:run_id/result', 'api/v1/teams/:team/runs/:run_id/result'])
  @RequireScopes('result')
  @RequireRole('viewer')
  @ApiOperation({ summary: "A run's result", description: '409 `conflict` while the run is not terminal.' })
  @ZodResponse(200, runResultSchema)
  @ScopedReads()
  result(@CurrentTeam() team: TeamContext, @Param('run_id') runId: string) {
    return this.runs.result(team, runId);
  }

  @Get(['v1/runs/:run_id/logs', 'api/v1/teams/:team/runs/:run_id/logs'])
  @RequireScopes('logs')
  @RequireRole('viewer')
  @ApiOperation({
    summary: "A run's events",
    description:
      'JSON page of events after `after` (a sequence number; `next_cursor` is the last one returned, null when the page is empty). ' +
      'With `Accept: text/event-stream`: a live Server-Sent Events stream (`id` = seq, `event` = type) from `after` ' +
      '(or `Last-Event-ID`), which ends once the run is terminal and every event was sent, or after at most one hour ' +
      '(`MANTIS_STREAM_MAX_SECONDS`; resume with `Last-Event-ID`). A team may hold at most `MANTIS_MAX_STREAMS_PER_TEAM` (default 20) ' +
      'open streams on an API process; one more is 429 `rate_limited`. `limit` is clamped to 1..1000.',
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ZodQuery(logsQuerySchema)
  @ZodResponse(200, runEventsSchema)
  async logs(
    @Req() req: MantisRequest,
    @Res() reply: MantisReply,
    @CurrentTeam() team: TeamContext,
    @Param('run_id') runId: string,
    @Query(new ZodPipe(logsQuerySchema, 'query')) q: LogsQuery,
  ): Promise<void> {
    const accept = req.headers.accept ?? '';
    if (accept.includes('text/event-stream')) {
      await this.runs.row(team, runId);
      const lastId = req.headers['last-event-id'];
      const after = typeof lastId === 'string' && /^\d+$/.test(lastId) ? Number(lastId) : q.after;
      this.stream.serve(req, reply, team, runId, after);
      return;
    }
    reply.status(200).send(await this.runs.events(team, runId, q.after, q.limit));
  }

  @Post(['v1/runs/:run_id/cancel', 'api/v1/teams/:team/runs/:run_id/cancel'])
  @RequireScopes('run')
  @RequireRole('operator')
  @Audit({ action: 'run.cancel', target: { type: 'run', param: 'run_id' } })
  @HttpCode(202)
  @ApiOperation({
    summary: 'Cancel a run',
    description:
      'A queued run is cancelled at once; a running one is stopped by its worker within a second, and the answer waits up to 2 s ' +
      'to show it `cancelled` (else it still shows `running`, with the cancellation under way). 409 if already terminal.',
  })
  @ZodResponse(202, runObjectSchema)
  @OwnTransaction()
  async cancel(@Req() req: MantisRequest, @CurrentPrincipal() principal: Principal, @CurrentTeam() team: TeamContext, @Param('run_id') runId: string) {
    // The answer waits for the worker to see the committed cancellation: commit it (with its event) first.
    const outcome = await this.audit.commit(req, 202, () => this.runs.requestCancel(principal, team, runId));
    return this.runs.afterCancel(team, runId, outcome);
  }
}
