import { nextCursorSchema } from '../../platform/http/pagination.js';
import { z } from 'zod';
import { TEAM_ROLES } from '../../platform/auth/principal.js';
import { SECRET_NAME } from '../secrets/secrets.schemas.js';
import { TEAM_SOURCES } from './team.js';

export const TEAM_SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** `example.com` or `*.example.com`, lowercased and in punycode. */
const domainEntry = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .transform((raw, ctx) => {
    const wildcard = raw.startsWith('*.');
    const host = wildcard ? raw.slice(2) : raw;
    let parsed: string | null = null;
    try {
      parsed = /^[^/:?#@\s]+$/.test(host) ? new URL(`http://${host}`).hostname.replace(/\.$/, '') : null;
    } catch {
      parsed = null;
    }
    if (!parsed || parsed.includes('*')) {
      ctx.addIssue({ code: 'custom', message: 'must be a host name like example.com or *.example.com' });
      return z.NEVER;
    }
    return wildcard ? `*.${parsed}` : parsed;
  });

const secretName = z.string().regex(SECRET_NAME, { message: 'must be a secret name (letters, digits, _ . -)' });

/** Caps and settings shared by create and patch (the keys-file names of the OpenAPI description). */
export const teamSettingsSchema = z.object({
  max_concurrent_runs: z.number().int().min(1).max(10_000),
  max_cost_per_run: z.number().positive().max(1_000_000),
  max_time_minutes_per_run: z.number().int().min(1).max(10_080),
  max_steps_per_plan: z.number().int().min(1).max(100_000).nullable(),
  max_loop_iterations: z.number().int().min(1).max(100_000).nullable(),
  rate_limit_per_minute: z.number().int().min(0).max(1_000_000).describe('0 disables the limit'),
  anthropic_secret_name: secretName,
  allowed_domains: z.array(domainEntry).max(1000).describe('empty: any domain'),
  webhook_url: z.union([z.literal(''), z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048)]),
  webhook_secret_name: z.union([z.literal(''), secretName]),
  monthly_budget_usd: z.number().min(0).max(1e9).nullable().describe('null: no budget'),
  weight: z.number().int().min(1).max(1000).describe('fair-dispatch share'),
});

export const createTeamSchema = teamSettingsSchema
  .partial()
  .extend({
    name: z.string().trim().min(1).max(200),
    slug: z.string().regex(TEAM_SLUG, { message: 'must match ^[a-z0-9][a-z0-9_-]{0,62}$' }).optional(),
  })
  .strict();
export type CreateTeamBody = z.infer<typeof createTeamSchema>;

export const patchTeamSchema = teamSettingsSchema
  .partial()
  .extend({ name: z.string().trim().min(1).max(200).optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'name at least one field to change' });
export type PatchTeamBody = z.infer<typeof patchTeamSchema>;
export type TeamSettings = Partial<z.infer<typeof teamSettingsSchema>>;

export const teamSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  source: z.enum(TEAM_SOURCES).describe('api: created over the API; keys_file: from the tenant keys file; env: the single-tenant default'),
  max_concurrent_runs: z.number(),
  max_cost_per_run: z.number(),
  max_time_minutes_per_run: z.number(),
  max_steps_per_plan: z.number().nullable(),
  max_loop_iterations: z.number().nullable(),
  rate_limit_per_minute: z.number(),
  anthropic_secret_name: z.string(),
  allowed_domains: z.array(z.string()),
  webhook_url: z.string(),
  webhook_secret_name: z.string(),
  monthly_budget_usd: z.number().nullable(),
  weight: z.number(),
  role: z.enum(TEAM_ROLES).nullable().optional().describe("the caller's role in the team (lists)"),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TeamView = z.infer<typeof teamSchema>;
export const teamListSchema = z.object({ data: z.array(teamSchema), next_cursor: nextCursorSchema });

/** A slug from a display name: "Acme Corp." → "acme-corp". */
export function slugFromName(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
