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

/** The hashed fields of an event by their names in the canonical JSON, in its key order. */
const EVENT_FIELDS = (
  [
    ['id', (e) => e.id],
    ['ts', (e) => e.ts.toISOString()],
    ['team_id', (e) => e.teamId],
    ['team_slug', (e) => e.teamSlug],
    ['actor_type', (e) => e.actorType],
    ['actor_id', (e) => e.actorId],
    ['actor_email', (e) => e.actorEmail],
    ['actor_prefix', (e) => e.actorPrefix],
    ['auth_method', (e) => e.authMethod],
    ['action', (e) => e.action],
    ['target_type', (e) => e.targetType],
    ['target_id', (e) => e.targetId],
    ['outcome', (e) => e.outcome],
    ['status', (e) => e.status],
    ['ip', (e) => e.ip],
    ['user_agent', (e) => e.userAgent],
    ['request_id', (e) => e.requestId],
    ['details', (e) => e.details ?? {}],
  ] as [string, (e: ChainedFields) => unknown][]
)
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([name, get]) => ({ key: `${JSON.stringify(name)}:`, get }));

/**
 * `canonicalJson` of the event's fields (see `EVENT_FIELDS`), written without
 * sorting the top-level keys on every call: verification hashes each event.
 */
export function canonicalEvent(e: ChainedFields): string {
  let out = '';
  for (const f of EVENT_FIELDS) {
    const v = f.get(e);
    if (v !== undefined) out += `${out ? ',' : ''}${f.key}${canonicalJson(v)}`;
  }
  return `{${out}}`;
}

/** hash = sha256(prev_hash ‖ canonical event), hex. */
export function chainHash(prevHash: string, e: ChainedFields): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonicalEvent(e), 'utf8').digest('hex');
}
