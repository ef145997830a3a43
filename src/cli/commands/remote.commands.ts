import type { Command } from 'commander';

/**
 * Commands that talk to a running server over the REST API (MANTIS_URL with
 * --api-key, MANTIS_API_KEY or cached login credentials).
 */
export function registerRemoteCommands(_program: Command): void {}
