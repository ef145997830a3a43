import type { AuditRow } from './audit.repository.js';
import type { AuditCursor } from './audit.repository.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { AuditEventView } from './audit.schemas.js';

export function toEvent(r: AuditRow): AuditEventView {
  return {
    id: r.id,
    seq: Number(r.seq),
    ts: r.ts.toISOString(),
    team: r.teamSlug,
    actor: { type: r.actorType, id: r.actorId, email: r.actorEmail, prefix: r.actorPrefix },
    auth_method: r.authMethod,
    action: r.action,
    target: { type: r.targetType, id: r.targetId },
    outcome: r.outcome,
    status: r.status,
    ip: r.ip,
    user_agent: r.userAgent,
    request_id: r.requestId,
    details: (r.details ?? {}) as Record<string, unknown>,
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

export function encodeCursor(r: AuditRow): string {
  return Buffer.from(JSON.stringify([r.ts.toISOString(), String(r.seq)])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): AuditCursor | undefined {
  if (!cursor) return undefined;
  try {
    const [ts, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(ts);
    if (Number.isNaN(date.getTime()) || !/^\d+$/.test(seq)) throw new Error('bad cursor');
    return { ts: date, seq: BigInt(seq) };
  } catch {
    throw ApiError.validation('Invalid cursor', { fields: [{ field: 'cursor', message: 'not a cursor from this API', in: 'query' }] });
  }
}

export const CSV_COLUMNS = [
  'id',
  'seq',
  'ts',
  'team',
  'actor_type',
  'actor_id',
  'actor_email',
  'actor_prefix',
  'auth_method',
  'action',
  'target_type',
  'target_id',
  'outcome',
  'status',
  'ip',
  'user_agent',
  'request_id',
  'details',
  'prev_hash',
  'hash',
] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(r: AuditRow): string {
  const e = toEvent(r);
  const flat: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    id: e.id,
    seq: e.seq,
    ts: e.ts,
    team: e.team,
    actor_type: e.actor.type,
    actor_id: e.actor.id,
    actor_email: e.actor.email,
    actor_prefix: e.actor.prefix,
    auth_method: e.auth_method,
    action: e.action,
    target_type: e.target.type,
    target_id: e.target.id,
    outcome: e.outcome,
    status: e.status,
    ip: e.ip,
    user_agent: e.user_agent,
    request_id: e.request_id,
    details: e.details,
    prev_hash: e.prev_hash,
    hash: e.hash,
  };
  return `${CSV_COLUMNS.map((c) => csvCell(flat[c])).join(',')}\r\n`;
}
