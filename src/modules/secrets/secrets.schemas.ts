import { z } from 'zod';

/** Secret names: letters, digits, `_`, `.`, `-`; never a path separator or a leading dot. */
export const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const secretNameSchema = z.string().regex(SECRET_NAME, { message: 'must be 1-128 of A-Z a-z 0-9 _ . - and start with a letter or digit' });

export const putSecretSchema = z
  .object({ value: z.string().min(1, { message: 'must not be empty' }).max(65_536, { message: 'must be at most 64 KiB' }) })
  .strict();
export type PutSecretBody = z.infer<typeof putSecretSchema>;

export const secretSchema = z.object({ name: z.string(), created_at: z.string(), updated_at: z.string() });
export const secretListSchema = z.object({ data: z.array(secretSchema) });
