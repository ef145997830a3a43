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
export type AuditEventView = z.infer<typeof auditEventSchema>;
export const auditPageSchema = z.object({ data: z.array(auditEventSchema), next_cursor: z.string().nullable() });

export const verifySchema = z.object({
  team: z.string().nullable(),
  ok: z.boolean(),
  checked: z.number(),
  last_hash: z.string(),
  first_broken: z.object({ id: z.string(), seq: z.number(), ts: z.string(), reason: z.enum(['prev_hash_mismatch', 'hash_mismatch']) }).nullable(),
});

export const headSchema = z.object({
  team: z.string(),
  seq: z.number().int().describe('the seq of the newest event of the chain; 0 while it is empty'),
  hash: z.string().describe("that event's hash (the genesis hash, 64 zeros, while empty)"),
  ts: z.string().describe("that event's time (the signing time while empty)"),
  key_id: z.string().describe('`kid` of the signing key in `GET /api/v1/audit-signing-keys`'),
  signature: z.string().describe('Ed25519, base64url, over the canonical JSON (keys sorted, no spaces) of the other five fields'),
});
export type SignedHead = z.infer<typeof headSchema>;

export const checkpointBodySchema = z
  .object({
    checkpoint: z
      .object({
        team: z.string().max(63),
        seq: z.number().int().min(0),
        hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex'),
        ts: z.string().max(64),
        key_id: z.string().max(200),
        signature: z.string().max(200),
      })
      .strict(),
  })
  .strict();
export type CheckpointBody = z.infer<typeof checkpointBodySchema>;

export const checkpointVerifySchema = verifySchema.extend({
  reason: z.enum(['signature_invalid', 'team_mismatch', 'checkpoint_missing', 'checkpoint_hash_mismatch', 'chain_broken']).nullable(),
  checkpoint: z.object({ seq: z.number(), hash: z.string(), found: z.boolean() }),
});

export const jwksSchema = z.object({
  keys: z.array(z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), kid: z.string(), alg: z.literal('EdDSA'), use: z.literal('sig') })),
});
