import type { Command } from 'commander';
import { registerAuditCommands } from './audit.command.js';
import { registerLoginCommands } from './login.command.js';
import { registerRunCommand } from './run.command.js';
import { registerTeamsCommands } from './teams.command.js';
import { registerAuthCommands, registerRolesCommands, registerUsersCommands } from './users.command.js';

/**
 * Commands that talk to a running server over the REST API (MANTIS_URL with
 * --api-key, MANTIS_API_KEY or cached login credentials).
 */
export function registerRemoteCommands(program: Command): void {
  registerTeamsCommands(program);
  registerUsersCommands(program);
  registerAuthCommands(program);
  registerRolesCommands(program);
  registerAuditCommands(program);
  registerRunCommand(program);
  registerLoginCommands(program);
}
