-- The closed sets of values that text columns hold, as CHECK constraints: the
-- database refuses a status, role, source or kind the application does not
-- know, whoever writes it. CHECKs rather than PostgreSQL enums: the columns
-- stay text, so raw SQL comparing them with text parameters and the Prisma
-- client's types are unchanged, and a new value is one constraint swap in a
-- migration (no ALTER TYPE ... ADD VALUE, whose new value the migration's own
-- transaction could not use).
-- The lists are the application's own: RUN_STATUSES and RUN_SOURCES
-- (modules/runs/run.ts), TEAM_SOURCES (modules/teams/team.ts), HOOK_AUTH
-- (modules/hooks/hook.ts), TEAM_ROLES and SCOPES (platform/auth/principal.ts),
-- ArtifactKind, ActorType and AuditOutcome, the delivery and idempotency states
-- and the session's auth method; test/medium/value-checks.spec.ts holds them
-- together.

ALTER TABLE "teams" ADD CONSTRAINT "teams_source_check" CHECK ("source" IN ('api', 'keys_file', 'env'));

ALTER TABLE "users" ADD CONSTRAINT "users_kind_check" CHECK ("kind" IN ('human', 'service'));

ALTER TABLE "memberships" ADD CONSTRAINT "memberships_role_check" CHECK ("role" IN ('viewer', 'operator', 'auditor', 'team_owner'));

ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_source_check" CHECK ("source" IN ('api', 'keys_file', 'env'));
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_scopes_check" CHECK ("scopes" <@ ARRAY['run', 'status', 'result', 'logs']::text[]);

ALTER TABLE "hooks" ADD CONSTRAINT "hooks_auth_check" CHECK ("auth" IN ('token', 'none'));

ALTER TABLE "runs" ADD CONSTRAINT "runs_status_check" CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'));
ALTER TABLE "runs" ADD CONSTRAINT "runs_source_check" CHECK ("source" IN ('predict', 'workflow', 'hook'));

ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_kind_check" CHECK ("kind" IN ('screenshot', 'trace', 'video'));

ALTER TABLE "idempotency_records" ADD CONSTRAINT "idempotency_records_state_check" CHECK ("state" IN ('in_flight', 'completed'));

ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_type_check" CHECK ("actor_type" IN ('user', 'api_key', 'tenant_token', 'system'));
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_outcome_check" CHECK ("outcome" IN ('success', 'denied', 'error'));

ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_status_check" CHECK ("status" IN ('pending', 'succeeded', 'failed', 'refused'));

ALTER TABLE "sessions" ADD CONSTRAINT "sessions_auth_method_check" CHECK ("auth_method" IN ('oidc', 'api_key'));
