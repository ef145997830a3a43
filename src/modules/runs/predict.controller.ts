import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { CurrentPrincipal, CurrentTeam, TeamScoped } from '../../platform/auth/auth.decorators.js';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { setResponseStatus } from '../../platform/http/idempotency-response.js';
import { Idempotent, idempotencyOf } from '../../platform/http/idempotency.interceptor.js';
import { ZodBody } from '../../platform/http/openapi.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { parseWith } from '../../platform/http/zod-pipe.js';
import { OwnTransaction } from '../../platform/database/own-transaction.js';
import { annotateAudit, Audit } from '../audit/audit.decorator.js';
import { AuditService } from '../audit/audit.service.js';
import { WorkflowsService } from '../workflows/workflows.service.js';
import { assertAccess } from './run-access.js';
import { toRunObject, toRunResult } from './run-object.js';
import { predictActionSchema, predictRunIdSchema, predictRunSchema } from './runs.schemas.js';
import { RunsService } from './runs.service.js';
import { TERMINAL_STATUSES } from './runs.repository.js';

const isRunAction = (req: MantisRequest) => {
  const action = (req.body as { action?: unknown } | undefined)?.action;
  return action === undefined || action === 'run';
};

/** Starting a run is `run.create` and cancelling `run.cancel`, as on the REST routes; reads are `run.read`. */
function predictAuditAction(req: { body?: unknown }): string {
  const action = (req.body as { action?: unknown } | undefined)?.action ?? 'run';
  if (action === 'run') return 'run.create';
  if (action === 'cancel') return 'run.cancel';
  return 'run.read';
}

@ApiTags('runs')
@Controller()
@TeamScoped()
export class PredictController {
  constructor(
    private readonly runs: RunsService,
    private readonly workflows: WorkflowsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Post('v1/predict')
  @HttpCode(200)
  @Idempotent(isRunAction)
  @Audit({ action: predictAuditAction, target: { type: 'run' } })
  // A synchronous run waits for a worker to see the committed run: the change and its event commit first.
  @OwnTransaction()
  @ApiOperation({
    summary: 'Start a run, or read or cancel one',
    description: [
      '`action` (default `run`): `run` needs scope `run` and role operator; `status`, `result`, `logs` need that scope;',
      '`cancel` needs scope `run` and role operator.',
      '`run` takes `plan` or `micro` (a workflow name, optionally `plans/<name>`). Detached: 202 with the queued run.',
      'Otherwise the call waits up to MANTIS_SYNC_WAIT_SECONDS: 200 with the run object plus `result` when it ended, else 202.',
      'A replay under the same Idempotency-Key returns the first answer.',
      '`status`/`result`/`logs`/`cancel` take `run_id` and answer as the REST routes (`logs` also takes `after`, `limit`).',
    ].join(' '),
  })
  @ZodBody(predictRunSchema)
  async predict(@Req() req: MantisRequest, @CurrentPrincipal() principal: Principal, @CurrentTeam() team: TeamContext, @Body() body: unknown) {
    const { action } = parseWith(predictActionSchema, body ?? {});
    annotateAudit(req, { details: { action } });
    assertAccess(principal, team, action);
    if (action === 'run') return this.run(req, principal, team, body);

    const q = parseWith(predictRunIdSchema, body);
    annotateAudit(req, { targetId: q.run_id });
    switch (q.action) {
      case 'status':
        return this.audit.commit(req, 200, () => this.runs.get(team, q.run_id));
      case 'result':
        return this.audit.commit(req, 200, () => this.runs.result(team, q.run_id));
      case 'logs':
        return this.audit.commit(req, 200, () => this.runs.events(team, q.run_id, Number(q.after ?? 0), q.limit ?? 100));
      case 'cancel': {
        setResponseStatus(req, 202);
        const outcome = await this.audit.commit(req, 202, () => this.runs.requestCancel(principal, team, q.run_id));
        return this.runs.afterCancel(team, q.run_id, outcome);
      }
    }
  }

  private async run(req: MantisRequest, principal: Principal, team: TeamContext, body: unknown) {
    const input = parseWith(predictRunSchema, body);
    const { plan, micro, detached, action: _action, ...options } = input;
    const waits = !detached && this.config.syncWaitSeconds > 0;
    const workflow = micro !== undefined ? await this.workflows.planFor(team, micro) : undefined;
    // The run, its event, the idempotency record and the request's audit event: one batch transaction, one round trip.
    const created = await this.runs.submit(
      principal,
      team,
      { source: 'predict', plan: workflow?.plan ?? plan!, workflow, options },
      idempotencyOf(req),
      (run) => {
        annotateAudit(req, { targetId: run.run_id });
        return this.audit.successStatements(req, waits ? 200 : 202);
      },
    );
    if (!waits) {
      setResponseStatus(req, 202);
      return created;
    }
    const row = await this.runs.waitForTerminal(team, created.run_id, this.config.syncWaitSeconds);
    if (!TERMINAL_STATUSES.includes(row.status)) {
      setResponseStatus(req, 202);
      return toRunObject(row, team.slug);
    }
    return { ...toRunObject(row, team.slug), result: toRunResult(row).result };
  }
}
