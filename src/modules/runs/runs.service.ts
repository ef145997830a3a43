import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { TxPart } from '../../platform/database/team-scope.js';
import type { IdempotencyHandle } from '../../platform/http/idempotency.interceptor.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { WebhookUrlValidator } from '../webhooks/webhook-url.validator.js';
import { RunCompletionNotifier } from '../webhooks/run-completion.port.js';
import { clampLimits } from './limits.js';
import { assertPlanDestinations } from './plan-destinations.js';
import { type Plan } from '../workflows/plan.schema.js';
import type { AdmissionRefusal, RunSource, RunStatus } from './run.js';
import { queuedRunObject, toRunObject, toRunResult, type RunObject } from './run-object.js';
import type { RunOptions } from './runs.schemas.js';
import { RunsRepository, TERMINAL_STATUSES, type RunRow } from './runs.repository.js';

export interface SubmitRequest {
  source: RunSource;
  plan: Plan;
  workflow?: { name: string; version: number };
  options: RunOptions;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

const CANCEL_WAIT_SECONDS = 2;

export interface CancelOutcome {
  row: RunRow;
  finished: boolean;
}

/** 128 bits of randomness: ids are not guessable. */
export function newRunId(): string {
  return `run_${randomBytes(16).toString('hex')}`;
}

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const [ts, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(ts);
  // No run was created before year 1 (PostgreSQL has no year 0), and no text holds a NUL: neither comes from this API.
  if (!id || Number.isNaN(createdAt.getTime()) || createdAt.getUTCFullYear() < 1 || id.includes('\u0000')) {
    throw ApiError.validation('Invalid cursor', { fields: [{ field: 'cursor', message: 'not a cursor from this API', in: 'query' }] });
  }
  return { createdAt, id };
}

/** The rules of the run API: admission (limits, allowlist, caps, budget), reads and cancellation. */
@Injectable()
export class RunsService {
  constructor(
    private readonly repo: RunsRepository,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly webhookUrls: WebhookUrlValidator,
    @Optional() private readonly notifier?: RunCompletionNotifier,
  ) {}

  /**
   * Admits and queues a run. Its change is one batch transaction of the team
   * (one round trip on the pool outside any scope; inside one, in that
   * transaction): the run, its first event, the idempotency record and
   * whatever `also` adds for the run (the request's audit event), so they
   * commit together or not at all.
   */
  async submit(
    principal: Principal | undefined,
    team: TeamContext,
    req: SubmitRequest,
    idempotency?: IdempotencyHandle,
    also?: (run: RunObject) => TxPart,
  ): Promise<RunObject> {
    const settings = await this.repo.teamSettings(team.id);
    if (!settings) throw ApiError.notFound('team');
    const limits = clampLimits(req.options, settings, this.config.limits);
    if (req.plan.steps.length > limits.maxSteps) {
      throw ApiError.validation(`The plan has ${req.plan.steps.length} steps; max_steps is ${limits.maxSteps}`, {
        fields: [{ field: 'plan.steps', message: `at most ${limits.maxSteps} steps`, in: 'body' }],
      });
    }
    assertPlanDestinations(req.plan, settings.allowedDomains, this.config.browser.egress);
    // Refused here as well as at delivery: a private callback destination is a 400, not a silent failure later.
    await this.webhookUrls.assertAllowed(req.options.callback_url, 'callback_url');
    const run = {
      id: newRunId(),
      source: req.source,
      workflowName: req.workflow?.name ?? null,
      workflowVersion: req.workflow?.version ?? null,
      plan: req.plan,
      inputs: req.options.inputs ?? {},
      stateKey: req.options.state_key ?? null,
      model: req.options.model ?? null,
      callbackUrl: req.options.callback_url ?? null,
      ...limits,
      createdByKeyId: principal?.keyId ?? null,
      createdAt: new Date(),
    };
    const rules = { maxConcurrentRuns: settings.maxConcurrentRuns, monthlyBudgetUsd: settings.monthlyBudgetUsd };
    this.metrics.touchTenant(team.slug);
    const object = queuedRunObject(run, team.slug);
    const completion = idempotency?.completion(202, object);
    const extra = also?.(object);
    try {
      await this.repo.admit(team.id, run, rules, [...(completion ? [completion.statement] : []), ...(extra?.statements ?? [])]);
    } catch (e) {
      const refusal = this.repo.admissionRefusal(e, run, rules);
      if (!refusal) throw e;
      if (refusal.reason === 'concurrency') this.metrics.concurrencyRejected.inc({ tenant_id: team.slug });
      throw refusalError(refusal);
    }
    completion?.committed();
    extra?.committed();
    this.metrics.runsInFlight.inc({ tenant_id: team.slug });
    return object;
  }

  async get(team: TeamContext, runId: string): Promise<RunObject> {
    return toRunObject(await this.row(team, runId), team.slug);
  }

  async row(team: TeamContext, runId: string): Promise<RunRow> {
    const row = runId.length <= 100 ? await this.repo.find(team.id, runId) : null;
    if (!row) throw ApiError.notFound('run');
    return row;
  }

  async list(team: TeamContext, q: { status?: RunStatus; workflow?: string; limit: number; cursor?: string }): Promise<Page<RunObject>> {
    const rows = await this.repo.list(team.id, { status: q.status, workflow: q.workflow, limit: q.limit + 1, cursor: decodeCursor(q.cursor) });
    const page = rows.slice(0, q.limit);
    const next = rows.length > q.limit ? encodeCursor(page[page.length - 1]) : null;
    return { data: page.map((r) => toRunObject(r, team.slug)), next_cursor: next };
  }

  async result(team: TeamContext, runId: string) {
    const row = await this.row(team, runId);
    if (!TERMINAL_STATUSES.includes(row.status)) {
      throw new ApiError('conflict', `The run is ${row.status}; its result is available once it is terminal`, { status: row.status });
    }
    return toRunResult(row);
  }

  async events(team: TeamContext, runId: string, after: number, limit: number) {
    await this.row(team, runId);
    const rows = await this.repo.events(team.id, runId, after, limit);
    const data = rows.map((e) => ({ seq: e.seq, type: e.type, ts: e.ts.toISOString(), data: e.data }));
    return { data, next_cursor: data.length > 0 ? String(data[data.length - 1].seq) : null };
  }

  /**
   * Cancels a queued run at once; asks a running one to stop (the worker
   * aborts it within a second and records `cancelled`). Terminal runs are 409.
   */
  async cancel(principal: Principal, team: TeamContext, runId: string): Promise<RunObject> {
    return this.afterCancel(team, runId, await this.requestCancel(principal, team, runId));
  }

  /** The change of a cancel: a queued run ends at once, a running one is flagged for its worker. */
  async requestCancel(_principal: Principal, team: TeamContext, runId: string): Promise<CancelOutcome> {
    return this.repo.transaction(team.id, async (tx) => {
      const row = await this.repo.lockForUpdate(tx, team.id, runId);
      if (!row) throw ApiError.notFound('run');
      if (TERMINAL_STATUSES.includes(row.status)) {
        throw new ApiError('conflict', `The run is already ${row.status}`, { status: row.status });
      }
      if (row.status === 'queued') {
        const done = await this.repo.finish(tx, team.id, runId, { status: 'cancelled', error: cancelledError() }, { status: ['queued'] });
        if (!done) throw new ApiError('conflict', 'The run changed state; try again');
        await this.notifier?.enqueue(tx, team.id, toRunObject(done, team.slug) as unknown as Record<string, unknown>, done.callbackUrl);
        return { row: done, finished: true };
      }
      await this.repo.appendEvent(team.id, runId, { type: 'run.cancel_requested', data: {} }, tx);
      return { row: await this.repo.requestCancel(tx, team.id, runId), finished: false };
    });
  }

  /** After the cancel committed: a running run stops within a second, so answer with its final state when it comes that soon. */
  async afterCancel(team: TeamContext, runId: string, outcome: CancelOutcome): Promise<RunObject> {
    if (outcome.finished) {
      this.recordTerminal(team.slug, outcome.row);
      return toRunObject(outcome.row, team.slug);
    }
    return toRunObject(await this.waitForTerminal(team, runId, CANCEL_WAIT_SECONDS), team.slug);
  }

  /** Waits (polling) until the run is terminal or `seconds` pass; returns the latest row. */
  async waitForTerminal(team: TeamContext, runId: string, seconds: number): Promise<RunRow> {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      // Each poll is a short team-scoped read (repo.find), never one transaction held across the wait.
      const row = await this.row(team, runId);
      if (TERMINAL_STATUSES.includes(row.status) || Date.now() >= until) return row;
      await new Promise((r) => setTimeout(r, Math.min(200, Math.max(10, until - Date.now()))));
    }
  }

  recordTerminal(teamSlug: string, row: RunRow): void {
    this.metrics.touchTenant(teamSlug);
    this.metrics.runsTotal.inc({ tenant_id: teamSlug, status: row.status });
    this.metrics.runsInFlight.dec({ tenant_id: teamSlug });
    if (row.costUsd > 0) this.metrics.runCost.inc({ tenant_id: teamSlug }, row.costUsd);
    if (row.startedAt && row.finishedAt) {
      this.metrics.runDuration.observe({ tenant_id: teamSlug, status: row.status }, (row.finishedAt.getTime() - row.startedAt.getTime()) / 1000);
    }
  }
}

/** The 429 of a refused admission (the OpenAPI description: runs, admission). */
function refusalError(r: AdmissionRefusal): ApiError {
  if (r.reason === 'concurrency') {
    return new ApiError('concurrency_limit', `The team already has ${r.active} runs queued or running (max_concurrent_runs ${r.maxConcurrentRuns})`, {
      max_concurrent_runs: r.maxConcurrentRuns,
    });
  }
  return new ApiError('budget_exceeded', 'This run would take the team past its monthly budget', {
    budget_usd: r.budgetUsd,
    spent_usd: r.spentUsd,
    reserved_usd: r.reservedUsd,
    max_cost: r.maxCost,
  });
}

export function cancelledError(): { code: string; message: string } {
  return { code: 'cancelled', message: 'The run was cancelled on request' };
}
