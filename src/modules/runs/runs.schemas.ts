import { z } from 'zod';
import { pageLimit } from '../../platform/http/pagination.js';
import { planSchema, refineInputs, stateKeySchema } from '../workflows/plan.schema.js';
import { workflowNameSchema } from '../workflows/workflows.schemas.js';
import { RUN_SOURCES, RUN_STATUSES } from './run.js';

/** The run options shared by `POST /v1/predict` (action run), workflow runs and hooks. */
export const runOptionsShape = {
  state_key: stateKeySchema.optional(),
  inputs: z.record(z.string(), z.unknown()).optional().superRefine(refineInputs),
  max_cost: z.number().min(0).optional(),
  max_time_minutes: z.number().int().min(1).optional(),
  max_steps: z.number().int().min(1).optional(),
  max_loop_iterations: z.number().int().min(1).optional(),
  callback_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  model: z.string().min(1).max(200).optional(),
};

export const runOptionsSchema = z.object(runOptionsShape);
export type RunOptions = z.infer<typeof runOptionsSchema>;

const runIdSchema = z.string().regex(/^run_[A-Za-z0-9]{16,64}$/, 'a run id (run_…)');

export const predictRunSchema = z
  .object({
    action: z.literal('run').optional(),
    plan: planSchema.optional(),
    micro: z.string().min(1).max(200).optional(),
    detached: z.boolean().optional(),
    ...runOptionsShape,
  })
  .refine((b) => (b.plan === undefined) !== (b.micro === undefined), { message: 'give exactly one of plan and micro', path: ['plan'] });

export const predictRunIdSchema = z.object({
  action: z.enum(['status', 'result', 'logs', 'cancel']),
  run_id: z.string().min(1).max(100),
  after: z.union([z.number().int().min(0), z.string().regex(/^\d+$/)]).optional(),
  limit: pageLimit(1000, 100, false).optional(),
});

export const predictActionSchema = z.object({ action: z.enum(['run', 'status', 'result', 'logs', 'cancel']).default('run') });

export const listRunsQuerySchema = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  workflow: workflowNameSchema.optional(),
  limit: pageLimit(100, 20),
  cursor: z.string().max(200).optional(),
});

export const logsQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: pageLimit(1000, 100),
});

export const runIdParamSchema = z.object({ run_id: runIdSchema });

export const runObjectSchema = z.object({
  run_id: z.string(),
  tenant_id: z.string(),
  status: z.enum(RUN_STATUSES),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  state_key: z.string().nullable(),
  limits: z.object({ max_cost: z.number(), max_time_minutes: z.number(), max_steps: z.number(), max_loop_iterations: z.number() }),
  cost_usd: z.number(),
  steps_completed: z.number(),
  workflow: z.string().nullable(),
  source: z.enum(RUN_SOURCES),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export type RunObject = z.infer<typeof runObjectSchema>;

export const runListSchema = z.object({ data: z.array(runObjectSchema), next_cursor: z.string().nullable() });
export const runResultSchema = z.object({
  run_id: z.string(),
  status: z.enum(RUN_STATUSES),
  result: z.unknown(),
  cost_usd: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type RunResult = z.infer<typeof runResultSchema>;
export const runEventSchema = z.object({ seq: z.number(), type: z.string(), ts: z.string(), data: z.record(z.string(), z.unknown()) });
export const runEventsSchema = z.object({ data: z.array(runEventSchema), next_cursor: z.string().nullable() });
