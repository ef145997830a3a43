import { SetMetadata } from '@nestjs/common';

export const AUDIT_KEY = 'mantis:audit';

/** An action name, or one chosen from the request (e.g. /v1/predict's body `action`). */
export type AuditAction = string | ((req: { body?: unknown }) => string);

export interface AuditSpec {
  /** Dotted action, e.g. `run.create`, `api_key.revoke`, `secret.update`. */
  action: AuditAction;
  /** Target type, e.g. `run`, `api_key`, `team`. */
  targetType?: string;
  /** Route parameter holding the target id (e.g. `name`, `run_id`). */
  targetParam?: string;
  /** The action is outside any team (e.g. `team.create`): always the global chain. */
  global?: boolean;
}

/**
 * Names the audit action of a state-changing handler. The audit interceptor
 * records one event per request with its outcome (success, denied, error);
 * the error filter path records denials thrown before the handler. Handlers
 * that already wrote their event inside their own transaction say so with
 * `markAudited(req)`.
 */
export const Audit = (action: AuditAction, targetType?: string, targetParam?: string, opts: { global?: boolean } = {}) =>
  SetMetadata(AUDIT_KEY, { action, targetType, targetParam, global: opts.global } satisfies AuditSpec);

/** The action name of a spec for this request. */
export function auditActionOf(spec: AuditSpec | null | undefined, req: { body?: unknown; method: string }): string | null {
  if (!spec) return null;
  return typeof spec.action === 'function' ? spec.action(req) : spec.action;
}

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
