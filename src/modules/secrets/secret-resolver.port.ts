/** A secret a plan may type, with the hosts it may be typed on (empty: the team's allowed_domains). */
export interface PlanSecret {
  value: string;
  origins: string[];
}

/**
 * Resolves secrets by name for a team at run time. Values never leave the
 * executor: not in events, logs, results or errors.
 */
export abstract class SecretResolver {
  /** Operator-named secrets (`anthropic_secret_name`, `webhook_secret_name`): the team's vault, then `$MANTIS_SECRETS_DIR/<name>`. */
  abstract resolve(teamId: string, name: string): Promise<string | null>;
  /** Secrets a plan names: the team's vault, then `$MANTIS_SECRETS_DIR/<tenant_id>/<name>`; never the shared root. */
  abstract resolveForPlan(teamId: string, tenantId: string, name: string): Promise<PlanSecret | null>;
}
