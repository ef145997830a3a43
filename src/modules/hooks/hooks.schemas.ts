import { nextCursorSchema } from '../../platform/http/pagination.js';
import { z } from 'zod';
import { workflowNameSchema } from '../workflows/workflows.schemas.js';
import { HOOK_AUTH } from './hook.js';

export const hookPathSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'letters, digits, underscore, dot and dash; at most 128 characters');

export const applyHookSchema = z.strictObject({
  workflow: workflowNameSchema,
  auth: z.enum(HOOK_AUTH).default('token'),
  rate_limit_per_minute: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(10)
    .describe('The bucket anonymous calls of an `auth: none` hook draw from (never the team’s); 0 disables it'),
});
export type ApplyHook = z.infer<typeof applyHookSchema>;

export const hookSchema = z.object({
  path: z.string(),
  url: z.string(),
  tenant_id: z.string(),
  workflow: z.string(),
  auth: z.enum(HOOK_AUTH),
  rate_limit_per_minute: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type HookObject = z.infer<typeof hookSchema>;
export const hookListSchema = z.object({ data: z.array(hookSchema), next_cursor: nextCursorSchema });

/** What an anonymous caller of an `auth: none` hook may send: inputs, nothing that picks profiles, models, callbacks or limits. */
export const anonymousHookBodySchema = z.preprocess((v) => v ?? {}, z.strictObject({ inputs: z.record(z.string(), z.unknown()).optional() }));
