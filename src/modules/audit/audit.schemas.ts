import { z } from 'zod';
import { pageLimit } from '../../platform/http/pagination.js';

const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).transform((s) => new Date(s));

export const auditQuerySchema = z.object({
  actor: z.string().min(1).max(320).optional().describe('user email, user id, or an mk_ key prefix'),
  action: z.string().min(1).max(100).optional(),
  outcome: z.enum(['success', 'denied', 'error']).optional(),
  since: isoDate.optional().describe('inclusive'),
  until: isoDate.optional().describe('exclusive'),
  cursor: z.string().max(200).optional(),
  limit: pageLimit(1000, 100),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const adminAuditQuerySchema = auditQuerySchema.extend({
  team: z.string().max(63).optional().describe('a team slug, or `global` for events outside any team'),
});
export type AdminAuditQuery = z.infer<typeof adminAuditQuerySchema>;

export const exportQuerySchema = auditQuerySchema.omit({ cursor: true, limit: true }).extend({
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
});
export type ExportQuery = z.infer<typeof exportQuerySchema>;

export const auditEventSchema = z.object({
  id: z.string(),
  seq: z.number(),
  ts: z.string(),
  team: z.string().nullable(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), email: z.string().nullable(), prefix: z.string().nullable() }),
  auth_method: z.string().nullable(),
  action: z.string(),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  outcome: z.string(),
  status: z.number().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  request_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  hash: z.string(),
});
export const auditPageSchema = z.object({ data: z.array(auditEventSchema), next_cursor: z.string().nullable() });

export const verifySchema = z.object({
  team: z.string().nullable(),
  ok: z.boolean(),
  checked: z.number(),
  last_hash: z.string(),
  first_broken: z.object({ id: z.string(), seq: z.number(), ts: z.string(), reason: z.enum(['prev_hash_mismatch', 'hash_mismatch']) }).nullable(),
});
