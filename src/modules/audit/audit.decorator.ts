import { SetMetadata } from '@nestjs/common';
import { requestAudit, type AuditAction, type AuditAnnotation, type AuditSpec, type RequestAudit } from '../../platform/http/request-audit.js';

export type { AuditAction, AuditAnnotation, AuditSpec };

export const AUDIT_KEY = 'mantis:audit';

/** `@Audit({ action, target: { type, param } })`, the declared form. */
export interface AuditDeclaration {
  action: AuditAction;
  target?: { type: string; param?: string };
  /** The action is outside any team: always the global chain. */
  global?: boolean;
}

/**
 * Names the audit action of a state-changing handler. The request's success
 * event is written inside the request's transaction, with the change (no
 * change without its event, no event for a change rolled back); failures are
 * recorded by the failure listener. Also takes the positional form
 * `@Audit(action, targetType?, targetParam?, { global })`.
 */
export function Audit(decl: AuditDeclaration): MethodDecorator & ClassDecorator;
export function Audit(action: AuditAction, targetType?: string, targetParam?: string, opts?: { global?: boolean }): MethodDecorator & ClassDecorator;
export function Audit(first: AuditAction | AuditDeclaration, targetType?: string, targetParam?: string, opts: { global?: boolean } = {}) {
  const spec: AuditSpec =
    typeof first === 'object'
      ? { action: first.action, targetType: first.target?.type, targetParam: first.target?.param, global: first.global }
      : { action: first, targetType, targetParam, global: opts.global };
  return SetMetadata(AUDIT_KEY, spec);
}

/** The action name of a spec for this request. */
export function auditActionOf(spec: AuditSpec | null | undefined, req: { body?: unknown; method: string }): string | null {
  if (!spec) return null;
  return typeof spec.action === 'function' ? spec.action(req) : spec.action;
}

/** The request's event is already written: nothing records it again. */
export function markAudited(req: { audit?: RequestAudit }): void {
  requestAudit(req).recorded = true;
}

export function isAudited(req: { audit?: RequestAudit }): boolean {
  return requestAudit(req).recorded;
}

/** Adds target, team or details to the request's event (`req.audit.note`). */
export function annotateAudit(req: { audit?: RequestAudit }, annotation: AuditAnnotation): void {
  const state = requestAudit(req);
  const prev = state.note;
  state.note = { ...prev, ...annotation, details: { ...prev.details, ...annotation.details } };
}

export function auditAnnotation(req: { audit?: RequestAudit }): AuditAnnotation {
  return requestAudit(req).note;
}
