import { nextCursorSchema } from '../../platform/http/pagination.js';
import { z } from 'zod';
import { SCOPES } from '../../platform/auth/principal.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d{1,6})([smhd])$/;

/** "90d" → milliseconds (units s, m, h, d). */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** At most ten years, so a date never overflows. */
const MAX_DURATION_MS = 3650 * UNIT_MS.d;

const duration = (allowZero: boolean) =>
  z.string().superRefine((v, ctx) => {
    if (!DURATION.test(v)) ctx.addIssue({ code: 'custom', message: 'must be a whole number followed by s, m, h or d (e.g. 90d)' });
    else if (parseDuration(v) > MAX_DURATION_MS) ctx.addIssue({ code: 'custom', message: 'must be at most 3650d' });
    else if (!allowZero && parseDuration(v) === 0) ctx.addIssue({ code: 'custom', message: 'must be greater than zero' });
  });

/** Key names appear in URL paths and CLI flags. */
export const keyNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'must be 1-64 characters: letters, digits, ".", "_", "-"' });

export const scopesSchema = z.array(z.enum(SCOPES)).min(1, { message: 'must name at least one scope' });

/** Body of POST /api/v1/users/{email}/api-keys. */
export const createApiKeySchema = z
  .object({
    name: keyNameSchema,
    expires_in: duration(false).optional(),
    scopes: scopesSchema.optional(),
  })
  .strict();
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

/** Body of POST /api/v1/users/{email}/api-keys/{name}/rotate. */
export const rotateApiKeySchema = z.object({ overlap: duration(true).optional() }).strict();
export type RotateApiKeyInput = z.infer<typeof rotateApiKeySchema>;

/** The one response that carries a raw key. */
export const createdApiKeySchema = z.object({
  key: z.string().describe('The raw key: shown once, never again'),
  name: z.string(),
  prefix: z.string(),
  expires_at: z.string().nullable(),
  scopes: z.array(z.enum(SCOPES)),
});
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

/** A key as listed: never its hash or value. */
export const apiKeyViewSchema = z.object({
  name: z.string(),
  prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  scopes: z.array(z.enum(SCOPES)),
  source: z.enum(['api', 'keys_file', 'env']),
});
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

export const apiKeyListSchema = z.object({ data: z.array(apiKeyViewSchema), next_cursor: nextCursorSchema });

/** The credential rules every key-changing route shares (also on the service-account key routes). */
export const KEY_MANAGEMENT_RULES =
  'Tenant tokens (keys file) and MANTIS_API_TOKEN cannot create, rotate or revoke keys (403 insufficient_role). ' +
  'A key restricted to fewer than all four scopes cannot either (403 insufficient_scope). ' +
  'A key created or rotated with an API key never expires after that key: a later or absent expiry is cut to the creating key’s `expires_at`.';
