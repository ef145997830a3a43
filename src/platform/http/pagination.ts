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
