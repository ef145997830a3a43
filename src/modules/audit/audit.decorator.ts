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
