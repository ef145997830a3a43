import { z } from 'zod';

const day = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be a date (YYYY-MM-DD) or an ISO 8601 date-time' })
  .transform((s) => new Date(s));

export const MAX_USAGE_RANGE_DAYS = 400;

/** The first instant of the UTC month holding the last instant before `until` (exclusive). */
export function monthStartBefore(until: Date): Date {
  const d = new Date(until.getTime() - 1);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

/** Omitted `until` is now, omitted `since` the start of that month; the range is at most 400 days. */
export const usageQuerySchema = z
  .object({
    since: day.optional().describe('inclusive; default the start of the UTC month of `until`'),
    until: day.optional().describe('exclusive; default now'),
  })
  .transform((q) => {
    const until = q.until ?? new Date();
    return { since: q.since ?? monthStartBefore(until), until };
  })
  .refine((q) => q.since < q.until, { message: 'since must be before until', path: ['since'] })
  .refine((q) => q.until.getTime() - q.since.getTime() <= MAX_USAGE_RANGE_DAYS * 86_400_000, {
    message: `the range may span at most ${MAX_USAGE_RANGE_DAYS} days`,
    path: ['since'],
  });
export type UsageQuery = z.infer<typeof usageQuerySchema>;

export const usageSchema = z.object({
  team: z.string(),
  month: z.object({ spent_usd: z.number(), reserved_usd: z.number(), budget_usd: z.number().nullable() }),
  days: z.array(z.object({ date: z.string(), runs: z.number(), cost_usd: z.number() })),
});
