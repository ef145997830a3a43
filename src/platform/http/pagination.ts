import { z } from 'zod';

/**
 * A page size: a whole number ≥ 1 (else 400), clamped to `max` so a client
 * asking for more than the route serves gets the largest page, never an
 * unbounded read.
 */
export function pageLimit(max: number, fallback: number, coerce = true) {
  const n = coerce ? z.coerce.number() : z.number();
  return n
    .int()
    .min(1)
    .transform((v) => Math.min(v, max))
    .default(fallback)
    .describe(`page size, 1 or more; above ${max} is served as ${max} (default ${fallback})`);
}

/** The query of a list route ordered by one unique key: a page size and the previous page's `next_cursor`. */
export const listPageQuerySchema = z.object({
  limit: pageLimit(200, 50),
  cursor: z.string().max(400).optional().describe('`next_cursor` of the previous page; omit for the first page'),
});
export type ListPageQuery = z.infer<typeof listPageQuerySchema>;

/** `next_cursor` in a list response: null on the last page. */
export const nextCursorSchema = z.string().nullable().describe('pass back as `cursor` for the next page; null on the last page');

/** The sort key a cursor stands for (opaque to clients: base64url). */
export function cursorKey(cursor: string | undefined): string | undefined {
  return cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
}

/**
 * One page out of `limit + 1` rows read after the cursor's key: the first
 * `limit`, and a cursor for the rest when the extra row came back.
 */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => string): { rows: T[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const next = rows.length > limit && page.length > 0 ? Buffer.from(key(page[page.length - 1]), 'utf8').toString('base64url') : null;
  return { rows: page, next_cursor: next };
}
