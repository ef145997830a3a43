import { z } from 'zod';
import { workflowNameSchema } from '../runs/runs.schemas.js';

export const hookPathSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'letters, digits, underscore, dot and dash; at most 128 characters');

export const applyHookSchema = z.strictObject({
  workflow: workflowNameSchema,
  auth: z.enum(['token', 'none']).default('token'),
});
export type ApplyHook = z.infer<typeof applyHookSchema>;

export const hookSchema = z.object({
  path: z.string(),
  url: z.string(),
  tenant_id: z.string(),
  workflow: z.string(),
  auth: z.enum(['token', 'none']),
  created_at: z.string(),
  updated_at: z.string(),
});
export const hookListSchema = z.object({ data: z.array(hookSchema) });
