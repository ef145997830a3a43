import { nextCursorSchema } from '../../platform/http/pagination.js';
import { z } from 'zod';
import { planSchema } from './plan.schema.js';

export const workflowNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'letters, digits, underscore, dot and dash; at most 128 characters');

export const applyWorkflowSchema = z.strictObject({
  plan: planSchema,
  description: z.string().max(2000).optional(),
});
export type ApplyWorkflow = z.infer<typeof applyWorkflowSchema>;

export const workflowNameParamSchema = z.object({ name: workflowNameSchema });

export const workflowSchema = z.object({
  name: z.string(),
  tenant_id: z.string(),
  description: z.string(),
  version: z.number(),
  plan: z.unknown(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type WorkflowObject = z.infer<typeof workflowSchema>;
export const workflowListSchema = z.object({ data: z.array(workflowSchema), next_cursor: nextCursorSchema });
