import { nextCursorSchema } from '../../platform/http/pagination.js';
import { z } from 'zod';
import { normalizeEntry } from '../../platform/net/url-allowlist.js';

/** Secret names: letters, digits, `_`, `.`, `-`; never a path separator or a leading dot. */
export const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const secretNameSchema = z.string().regex(SECRET_NAME, { message: 'must be 1-128 of A-Z a-z 0-9 _ . - and start with a letter or digit' });

/** A host pattern in the allowed_domains syntax (`example.com`, `*.example.com`), normalised as hosts are compared. */
const originEntry = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .transform((raw, ctx) => {
    const entry = normalizeEntry(raw);
    if (!entry) {
      ctx.addIssue({ code: 'custom', message: 'must be a host name like example.com or *.example.com' });
      return z.NEVER;
    }
    return entry.wildcard ? `*.${entry.host}` : entry.host;
  });

const originsDescription =
  "Hosts where the secret may be typed (allowed_domains syntax). Empty or absent: the team's allowed_domains; with neither, the secret is never typed.";

export const putSecretSchema = z
  .object({
    value: z.string().min(1, { message: 'must not be empty' }).max(65_536, { message: 'must be at most 64 KiB' }),
    origins: z.array(originEntry).max(100).optional().describe(`${originsDescription} Absent on replace: the stored origins are kept.`),
  })
  .strict();
export type PutSecretBody = z.infer<typeof putSecretSchema>;

export const secretSchema = z.object({
  name: z.string(),
  origins: z.array(z.string()).describe(originsDescription),
  created_at: z.string(),
  updated_at: z.string(),
});
export type SecretView = z.infer<typeof secretSchema>;
export const secretListSchema = z.object({ data: z.array(secretSchema), next_cursor: nextCursorSchema });
