/**
 * Resolves a secret by name for a team at run time: the team's vault first,
 * then the file `$MANTIS_SECRETS_DIR/<name>`. Null when neither has it.
 * Values never leave the executor: not in events, logs, results or errors.
 */
export abstract class SecretResolver {
  abstract resolve(teamId: string, name: string): Promise<string | null>;
}
