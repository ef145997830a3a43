import { SetMetadata } from '@nestjs/common';

export const AUDIT_KEY = 'mantis:audit';

export interface AuditSpec {
  /** Dotted action, e.g. `run.create`, `api_key.revoke`, `secret.update`. */
  action: string;
  /** Target type, e.g. `run`, `api_key`, `team`. */
  targetType?: string;
  /** Route parameter holding the target id (e.g. `name`, `run_id`). */
  targetParam?: string;
}

/**
 * Names the audit action of a state-changing handler. The audit interceptor
 * records one event per request with its outcome (success, denied, error);
 * the error filter path records denials thrown before the handler. Handlers
 * that already wrote their event inside their own transaction say so with
 * `markAudited(req)`.
 */
export const Audit = (action: string, targetType?: string, targetParam?: string) =>
  SetMetadata(AUDIT_KEY, { action, targetType, targetParam } satisfies AuditSpec);

/** What a handler adds to its request's audit event (the interceptor writes it). */
export interface AuditAnnotation {
  /** The team whose chain gets the event; `null` for the global chain. Default: the request's team. */
  team?: { id: string; slug: string } | null;
  targetId?: string;
  targetType?: string;
  /** Extra context; never a secret value, key or token. */
  details?: Record<string, unknown>;
}

const audited = new WeakSet<object>();
const annotations = new WeakMap<object, AuditAnnotation>();

/** The handler recorded this request's event itself (inside its own transaction): the interceptor skips it. */
export function markAudited(req: object): void {
  audited.add(req);
}

export function isAudited(req: object): boolean {
  return audited.has(req);
}

/** Adds target, team or details to the event the interceptor will record for this request. */
export function annotateAudit(req: object, annotation: AuditAnnotation): void {
  const prev = annotations.get(req) ?? {};
  annotations.set(req, { ...prev, ...annotation, details: { ...prev.details, ...annotation.details } });
}

export function auditAnnotation(req: object): AuditAnnotation {
  return annotations.get(req) ?? {};
}
