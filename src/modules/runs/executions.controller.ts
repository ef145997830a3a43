import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentPrincipal, CurrentTeam, RequireRole, RequireScopes, TeamScoped } from '../../platform/auth/auth.decorators.js';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { Idempotent, idempotencyOf } from '../../platform/http/idempotency.interceptor.js';
import { ZodBody, ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { OwnTransaction, ScopedReads } from '../../platform/database/own-transaction.js';
import { AuditService } from '../audit/audit.service.js';
import { annotateAudit, Audit } from '../audit/audit.decorator.js';
import { WorkflowsService } from '../workflows/workflows.service.js';
import { toRunObject } from './run-object.js';
import { listRunsQuerySchema, runListSchema, runObjectSchema, runOptionsSchema, type RunOptions } from './runs.schemas.js';
import { RunsService } from './runs.service.js';

type ListQuery = ReturnType<typeof listRunsQuerySchema.parse>;

const executionSchema = runObjectSchema.extend({ result: z.unknown(), step_outputs: z.array(z.unknown()) });

/** The workflow-flavoured run routes (the OpenAPI description: workflows): same runs, same rules. */
@ApiTags('workflows')
@Controller()
@TeamScoped()
export class ExecutionsController {
  constructor(
    private readonly runs: RunsService,
    private readonly workflows: WorkflowsService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Post(['api/v1/run/:workflow', 'api/v1/teams/:team/run/:workflow'])
  @RequireScopes('run')
  @RequireRole('operator')
  @Idempotent()
  @Audit('run.create', 'run')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run a workflow',
    description: 'Body as the `run` action of /v1/predict (inputs, limits, state_key, callback_url, model); 202 with the queued run.',
  })
  @ZodBody(runOptionsSchema)
  @ZodResponse(202, runObjectSchema)
  async run(
    @Req() req: MantisRequest,
    @CurrentPrincipal() principal: Principal,
    @CurrentTeam() team: TeamContext,
    @Param('workflow') name: string,
    @Body(new ZodPipe(z.preprocess((v) => v ?? {}, runOptionsSchema.strict()))) options: RunOptions,
  ) {
    const workflow = await this.workflows.planFor(team, name);
    const run = await this.runs.submit(principal, team, { source: 'workflow', plan: workflow.plan, workflow, options }, idempotencyOf(req));
    annotateAudit(req, { targetId: run.run_id, details: { workflow: workflow.name, version: workflow.version } });
    return run;
  }

  @Get(['api/v1/executions', 'api/v1/teams/:team/executions'])
  @RequireScopes('status')
  @RequireRole('viewer')
  @ZodQuery(listRunsQuerySchema)
  @ZodResponse(200, runListSchema)
  @ScopedReads()
  list(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(listRunsQuerySchema, 'query')) q: ListQuery) {
    return this.runs.list(team, { status: q.status, workflow: q.workflow, limit: q.limit, cursor: q.cursor });
  }

  @Get(['api/v1/executions/:id', 'api/v1/teams/:team/executions/:id'])
  @RequireScopes('status')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'A run with its result and step outputs' })
  @ZodResponse(200, executionSchema)
  async get(@CurrentTeam() team: TeamContext, @Param('id') id: string) {
    const row = await this.runs.row(team, id);
    return { ...toRunObject(row, team.slug), result: row.result ?? null, step_outputs: (row.stepOutputs as unknown[]) ?? [] };
  }

  @Post(['api/v1/cancel/:id', 'api/v1/teams/:team/cancel/:id'])
  @RequireScopes('run')
  @RequireRole('operator')
  @Audit({ action: 'run.cancel', target: { type: 'run', param: 'id' } })
  @HttpCode(202)
  @ZodResponse(202, runObjectSchema)
  @OwnTransaction()
  async cancel(@Req() req: MantisRequest, @CurrentPrincipal() principal: Principal, @CurrentTeam() team: TeamContext, @Param('id') id: string) {
    // The answer waits for the worker to see the committed cancellation: commit it (with its event) first.
    const outcome = await this.audit.commit(req, 202, () => this.runs.requestCancel(principal, team, id));
    return this.runs.afterCancel(team, id, outcome);
  }
}
