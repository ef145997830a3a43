export type ActorType = 'user' | 'api_key' | 'tenant_token' | 'system';
export type AuditOutcome = 'success' | 'denied' | 'error';

export interface AuditActor {
  type: ActorType;
  id?: string | null;
  email?: string | null;
  prefix?: string | null;
}

/** One event to append; the service adds id, ts, prev_hash and hash. */
export interface AuditEventInput {
  team: { id: string; slug: string } | null;
  actor: AuditActor;
  authMethod?: string | null;
  action: string;
  target?: { type?: string | null; id?: string | null };
  outcome: AuditOutcome;
  status?: number | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  /** Never a secret value, key or token. */
  details?: Record<string, unknown>;
}
