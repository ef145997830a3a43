import { listPageQuerySchema, type ListPageQuery } from '../../platform/http/pagination.js';
import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTeam, RequireRole, TeamScoped } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { setResponseStatus } from '../../platform/http/idempotency-response.js';
import { ZodBody, ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { Audit } from '../audit/audit.decorator.js';
import { applyWorkflowSchema, workflowListSchema, workflowNameParamSchema, workflowSchema, type ApplyWorkflow } from './workflows.schemas.js';
import { WorkflowsService } from './workflows.service.js';

const NAME = new ZodPipe(workflowNameParamSchema, 'path');

@ApiTags('workflows')
@Controller()
@TeamScoped()
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Put(['api/v1/workflows/:name', 'api/v1/teams/:team/workflows/:name'])
  @RequireRole('team_owner')
  @Audit('workflow.apply', 'workflow', 'name')
  @ApiOperation({
    summary: 'Create or replace a workflow',
    description: '201 when new, 200 when replaced. Re-applying an identical definition keeps the version.',
  })
  @ZodBody(applyWorkflowSchema)
  @ZodResponse(200, workflowSchema)
  async apply(
    @Req() req: MantisRequest,
    @CurrentTeam() team: TeamContext,
    @Param() params: unknown,
    @Body(new ZodPipe(applyWorkflowSchema)) body: ApplyWorkflow,
  ) {
    const { name } = NAME.transform(params);
    const { workflow, created } = await this.workflows.apply(team, name, body);
    setResponseStatus(req, created ? 201 : 200);
    return workflow;
  }

  @Get(['api/v1/workflows', 'api/v1/teams/:team/workflows'])
  @RequireRole('viewer')
  @ZodQuery(listPageQuerySchema)
  @ZodResponse(200, workflowListSchema)
  list(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(listPageQuerySchema, 'query')) q: ListPageQuery) {
    return this.workflows.list(team, q);
  }

  @Get(['api/v1/workflows/:name', 'api/v1/teams/:team/workflows/:name'])
  @RequireRole('viewer')
  @ZodResponse(200, workflowSchema)
  get(@CurrentTeam() team: TeamContext, @Param('name') name: string) {
    return this.workflows.get(team, name);
  }

  @Delete(['api/v1/workflows/:name', 'api/v1/teams/:team/workflows/:name'])
  @RequireRole('team_owner')
  @Audit('workflow.delete', 'workflow', 'name')
  @HttpCode(204)
  async delete(@CurrentTeam() team: TeamContext, @Param('name') name: string): Promise<void> {
    await this.workflows.delete(team, name);
  }
}
