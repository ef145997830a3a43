import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a hash covers, exactly as stored. */
export interface ChainedFields {
  id: string;
  ts: Date;
  teamId: string | null;
  teamSlug: string | null;
  actorType: string;
  actorId: string | null;
  actorEmail: string | null;
  actorPrefix: string | null;
  authMethod: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  status: number | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: unknown;
}

/** JSON with object keys sorted at every level: the same event always serializes the same way. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function canonicalEvent(e: ChainedFields): string {
  return canonicalJson({
    id: e.id,
    ts: e.ts.toISOString(),
    team_id: e.teamId,
    team_slug: e.teamSlug,
    actor_type: e.actorType,
    actor_id: e.actorId,
    actor_email: e.actorEmail,
    actor_prefix: e.actorPrefix,
    auth_method: e.authMethod,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    outcome: e.outcome,
    status: e.status,
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    details: e.details ?? {},
  });
}

/** hash = sha256(prev_hash ‖ canonical event), hex. */
export function chainHash(prevHash: string, e: ChainedFields): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonicalEvent(e), 'utf8').digest('hex');
}
