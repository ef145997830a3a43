import { z } from 'zod';

const day = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time' })
  .transform((s) => new Date(s));

export const usageQuerySchema = z
  .object({
    since: day.optional().describe('inclusive; default 30 days before `until`'),
    until: day.optional().describe('exclusive; default now'),
  })
  .refine((q) => !q.since || !q.until || q.since < q.until, { message: 'since must be before until', path: ['since'] })
  .refine((q) => !q.since || !q.until || q.until.getTime() - q.since.getTime() <= 400 * 86_400_000, { message: 'at most 400 days', path: ['since'] });
export type UsageQuery = z.infer<typeof usageQuerySchema>;

export const usageSchema = z.object({
  team: z.string(),
  month: z.object({ spent_usd: z.number(), reserved_usd: z.number(), budget_usd: z.number().nullable() }),
  days: z.array(z.object({ date: z.string(), runs: z.number(), cost_usd: z.number() })),
});
