/** An action name, or one chosen from the request (e.g. /v1/predict's body `action`). */
export type AuditAction = string | ((req: { body?: unknown }) => string);

/** What a route declares with `@Audit`. */
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

/** What a handler adds to its request's audit event. */
export interface AuditAnnotation {
  /** The team whose chain gets the event; `null` for the global chain. Default: the request's team. */
  team?: { id: string; slug: string } | null;
  targetId?: string;
  targetType?: string;
  /** Extra context; never a secret value, key or token. */
  details?: Record<string, unknown>;
}

/** The audit state of one request, on the request itself (`req.audit`): no shared module state. */
export interface RequestAudit {
  /** Set when the request got past the guards to its handler: the route's declaration (null: none). */
  reached?: { spec: AuditSpec | null };
  note: AuditAnnotation;
  /** The request's event is written (in the change's transaction); nothing else records it. */
  recorded: boolean;
}

/** `req.audit`, created on first use. */
export function requestAudit(req: { audit?: RequestAudit }): RequestAudit {
  req.audit ??= { note: {}, recorded: false };
  return req.audit;
}
