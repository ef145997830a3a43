import { randomBytes } from 'node:crypto';
import { RunExecutor, type ClaimedRun, type RunLimits, type RunOutcome } from '../../src/modules/executor/executor.port.js';
import type { TestApp } from './app.js';
import type { TeamFixture } from './factories.js';

export interface ExecOptions {
  inputs?: Record<string, unknown>;
  stateKey?: string | null;
  limits?: Partial<RunLimits>;
  model?: string;
  attempt?: number;
  allowedDomains?: string[];
  anthropicSecretName?: string;
  /** Abort the run's signal after this many ms, with this reason. */
  abortAfterMs?: number;
  abortReason?: string;
  /** Abort the run's signal when an event matching this is emitted. */
  abortOn?: (e: { type: string; data?: Record<string, unknown> }) => boolean;
  deadlineMs?: number;
}

export interface ExecResult {
  runId: string;
  outcome: RunOutcome;
  events: { seq: number; type: string; data: Record<string, unknown> }[];
}

/**
 * Runs a plan through the app's real `RunExecutor` (Chromium, artifacts,
 * secrets) with a `RunContext` that writes events and progress to the run's
 * row, as the dispatcher does.
 */
export async function executePlan(t: TestApp, team: TeamFixture, plan: ClaimedRun['plan'], opts: ExecOptions = {}): Promise<ExecResult> {
  const runId = `run_${randomBytes(10).toString('hex')}`;
  const limits: RunLimits = { maxCost: 5, maxTimeMinutes: 5, maxSteps: 100, maxLoopIterations: 20, ...opts.limits };
  await t.prisma.run.create({
    data: {
      id: runId,
      teamId: team.id,
      status: 'running',
      plan: plan as object,
      inputs: (opts.inputs ?? {}) as object,
      stateKey: opts.stateKey ?? null,
      maxCost: limits.maxCost,
      maxTimeMinutes: limits.maxTimeMinutes,
      maxSteps: limits.maxSteps,
      maxLoopIterations: limits.maxLoopIterations,
      startedAt: new Date(),
    },
  });
  const row = await t.prisma.team.findUniqueOrThrow({ where: { id: team.id } });
  let seq = 0;
  // The context's writes, in call order; still in flight when the executor returns (see RunContext.emit).
  let writes: Promise<unknown> = Promise.resolve();
  const controller = new AbortController();
  if (opts.abortAfterMs !== undefined) setTimeout(() => controller.abort(opts.abortReason ?? 'cancelled'), opts.abortAfterMs);
  const executor = t.app.get(RunExecutor);
  const outcome = await executor.execute(
    {
      id: runId,
      teamId: team.id,
      teamSlug: team.slug,
      plan,
      inputs: opts.inputs ?? {},
      stateKey: opts.stateKey ?? null,
      model: opts.model ?? null,
      limits,
      team: { allowedDomains: opts.allowedDomains ?? row.allowedDomains, anthropicSecretName: opts.anthropicSecretName ?? row.anthropicSecretName },
      attempt: opts.attempt ?? 1,
      deadline: new Date(Date.now() + (opts.deadlineMs ?? limits.maxTimeMinutes * 60_000)),
    },
    {
      signal: controller.signal,
      emit: async (e) => {
        // A moment after the event, so the abort meets the step in flight rather than before it starts.
        if (opts.abortOn?.(e)) setTimeout(() => controller.abort(opts.abortReason ?? 'cancelled'), 200);
        const n = ++seq;
        await (writes = writes
          .catch(() => undefined)
          .then(() => t.prisma.runEvent.create({ data: { runId, teamId: team.id, seq: n, type: e.type, data: (e.data ?? {}) as object } })));
      },
      progress: async (p) => {
        await (writes = writes
          .catch(() => undefined)
          .then(() => t.prisma.run.update({ where: { id: runId }, data: { stepsCompleted: p.stepsCompleted, costUsd: p.costUsd } })));
      },
    },
  );
  await writes.catch(() => undefined);
  const events = await t.prisma.runEvent.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
  return { runId, outcome, events: events.map((e) => ({ seq: e.seq, type: e.type, data: e.data as Record<string, unknown> })) };
}
