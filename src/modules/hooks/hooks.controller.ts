import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { listPageQuerySchema, type ListPageQuery } from '../../platform/http/pagination.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CurrentTeam, RequireRole, RequireScopes, TeamScoped } from '../../platform/auth/auth.decorators.js';
import type { TeamContext } from '../../platform/auth/principal.js';
import { TargetTeam } from '../../platform/auth/route-target.js';
import { setResponseStatus } from '../../platform/http/idempotency-response.js';
import { Idempotent, idempotencyOf } from '../../platform/http/idempotency.interceptor.js';
import { ZodBody, ZodQuery, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { parseWith, ZodPipe } from '../../platform/http/zod-pipe.js';
import { annotateAudit, Audit } from '../audit/audit.decorator.js';
import { runObjectSchema, runOptionsSchema, type RunOptions } from '../runs/runs.schemas.js';
import { RunsService } from '../runs/runs.service.js';
import { WorkflowsService } from '../workflows/workflows.service.js';
import { HookTarget, hookOf } from './hook-target.js';
import { anonymousHookBodySchema, applyHookSchema, hookListSchema, hookPathSchema, hookSchema, type ApplyHook } from './hooks.schemas.js';
import { HooksService } from './hooks.service.js';

const PATH = new ZodPipe(z.object({ path: hookPathSchema }), 'path');
const OPTIONS = new ZodPipe(z.preprocess((v) => v ?? {}, runOptionsSchema.strict()));

@ApiTags('hooks')
@Controller()
export class HooksController {
  constructor(
    private readonly hooks: HooksService,
    private readonly runs: RunsService,
    private readonly workflows: WorkflowsService,
  ) {}

  @Put(['api/v1/hooks/:path', 'api/v1/teams/:team/hooks/:path'])
  @TeamScoped()
  @RequireRole('team_owner')
  @Audit('hook.apply', 'hook', 'path')
  @ApiOperation({
    summary: 'Create or replace an inbound hook',
    description:
      "Paths are unique across all teams (409 `conflict` when another team holds it) and trigger only this team's workflow. 201 when new, 200 when replaced. " +
      "`rate_limit_per_minute` (default 10, 0 disables) is the bucket anonymous calls of an `auth: none` hook draw from instead of the team's.",
  })
  @ZodBody(applyHookSchema)
  @ZodResponse(200, hookSchema)
  async apply(@Req() req: MantisRequest, @CurrentTeam() team: TeamContext, @Param() params: unknown, @Body(new ZodPipe(applyHookSchema)) body: ApplyHook) {
    const { path } = PATH.transform(params);
    const { hook, created } = await this.hooks.apply(team, path, body);
    setResponseStatus(req, created ? 201 : 200);
    return hook;
  }

  @Get(['api/v1/hooks', 'api/v1/teams/:team/hooks'])
  @TeamScoped()
  @RequireRole('viewer')
  @ZodQuery(listPageQuerySchema)
  @ZodResponse(200, hookListSchema)
  list(@CurrentTeam() team: TeamContext, @Query(new ZodPipe(listPageQuerySchema, 'query')) q: ListPageQuery) {
    return this.hooks.list(team, q);
  }

  @Get(['api/v1/hooks/:path', 'api/v1/teams/:team/hooks/:path'])
  @TeamScoped()
  @RequireRole('viewer')
  @ZodResponse(200, hookSchema)
  get(@CurrentTeam() team: TeamContext, @Param('path') path: string) {
    return this.hooks.get(team, path);
  }

  @Delete(['api/v1/hooks/:path', 'api/v1/teams/:team/hooks/:path'])
  @TeamScoped()
  @RequireRole('team_owner')
  @Audit('hook.delete', 'hook', 'path')
  @HttpCode(204)
  async delete(@CurrentTeam() team: TeamContext, @Param('path') path: string): Promise<void> {
    await this.hooks.delete(team, path);
  }

  @Post('hooks/:path')
  @TargetTeam(HookTarget)
  @RequireRole('operator')
  @RequireScopes('run')
  @Idempotent()
  @Audit('run.create', 'run')
  @HttpCode(202)
  @ApiOperation({
    summary: "Trigger a hook's workflow",
    description:
      'A `token` hook takes the usual credentials (operator of the hook\'s team, scope `run`) and the team\'s rate limit; a hook made with `"auth": "none"` takes none. ' +
      'Body as POST /api/v1/run/{workflow}. 202 with the queued run (`source` `hook`). ' +
      "Anonymous calls of an `auth: none` hook draw from the hook's own bucket (`rate_limit_per_minute` on the hook, default 10; 429 `rate_limited`), never the team's, " +
      'and may send only `inputs`: any other run option (`state_key`, `model`, `callback_url`, limits…) is 400 `validation_failed`.',
  })
  @ZodBody(runOptionsSchema)
  @ZodResponse(202, runObjectSchema)
  async trigger(@Req() req: MantisRequest, @Body(OPTIONS) options: RunOptions) {
    const hook = hookOf(req);
    // Anonymous callers choose only inputs: not the team's browser profiles (state_key), model, callback or limits.
    if (!req.principal) parseWith(anonymousHookBodySchema, req.body);
    const team = req.team!;
    const workflow = await this.workflows.planFor(team, hook.workflowName);
    const run = await this.runs.submit(req.principal, team, { source: 'hook', plan: workflow.plan, workflow, options }, idempotencyOf(req));
    annotateAudit(req, { targetId: run.run_id, details: { hook: hook.path, workflow: workflow.name } });
    return run;
  }
}
