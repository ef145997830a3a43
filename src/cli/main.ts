#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { createLogger } from '../platform/http/logger.js';
import { reportFailure } from './cli-failure.js';
import type { ProcessRole } from '../platform/process-roles.js';
import { registerRemoteCommands } from './commands/remote.commands.js';

// The server (Nest, Prisma, Playwright) loads only for commands that run it:
// REST-backed commands start in a fraction of the time without it.
const runtime = () => import('../runtime.js');

/** An invalid configuration throws ConfigError: one line and exit code 2 (cli-failure.ts). */
const config = () => loadConfig();
const cliLogger = (c: AppConfig) => createLogger(c.logLevel === 'info' ? 'warn' : c.logLevel);
const verbose = process.argv.includes('--verbose');

// Commander's own errors (unknown option, missing argument) go through the same one-line handler.
const program = new Command('mantis')
  .description('Mantis: control plane for browser-agent runs')
  .option('--verbose', 'on failure, print the stack trace as well')
  .exitOverride()
  .configureOutput({ outputError: () => undefined });

/** Runs a server until signalled; a data directory another server uses is refused before the server code loads. */
async function serve(roles: ProcessRole[]): Promise<void> {
  const cfg = config();
  if (!cfg.databaseUrl) {
    const { DataDirInUseError, liveOwner } = await import('../platform/database/embedded-state.js');
    const owner = liveOwner(cfg.dataDir);
    if (owner?.role === 'server') throw new DataDirInUseError(cfg.dataDir, owner);
  }
  await (await runtime()).runUntilSignalled({ config: cfg, roles });
}

program
  .command('start')
  .description('serve the API and run the worker in one process (embedded PostgreSQL without DATABASE_URL)')
  .action(() => serve(['api', 'worker']));

program
  .command('serve')
  .description('serve the HTTP API')
  .action(() => serve(['api']));

program
  .command('worker')
  .description('execute queued runs and send webhook deliveries')
  .action(() => serve(['worker']));

program
  .command('migrate')
  .description('apply pending database migrations (uses the database of a running mantis start)')
  .action(async () => {
    const cfg = config();
    const { prepareDatabase } = await import('../platform/database/prepare-database.js');
    const { embedded } = await prepareDatabase(cfg, cliLogger(cfg), { migrate: true, command: 'migrate' });
    await embedded?.stop();
    process.stdout.write('Migrations applied.\n');
  });

program
  .command('init')
  .description('apply migrations, create the team `default` and a first admin with an API key')
  .option('--admin-email <email>', 'email of the first admin', 'admin@mantis.local')
  .action(async (opts: { adminEmail: string }) => {
    const cfg = config();
    const { runInit } = await import('./commands/init.command.js');
    const result = await runInit(cfg, cliLogger(cfg), opts.adminEmail);
    if (result.created) {
      process.stdout.write(`Created admin ${result.email} in team default.\n`);
      process.stdout.write(`API Key: ${result.key}\n`);
      process.stdout.write('Save this key — it cannot be retrieved again.\n');
    } else {
      process.stdout.write('Already initialised; nothing changed.\n');
    }
  });

program
  .command('doctor')
  .description('check what this deployment needs (database, Redis, Chromium, ffmpeg, master key, data directory, OIDC)')
  .action(async () => {
    const cfg = config();
    const { runDoctor } = await import('./commands/doctor.command.js');
    process.exitCode = await runDoctor(cfg, cliLogger(cfg));
  });

// `keys` loads the tenant-keys module: only for that command and the command list.
const commandName = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? '';
if (['keys', 'help', ''].includes(commandName)) {
  const { registerKeysCommands } = await import('./commands/keys.command.js');
  registerKeysCommands(program, { config, logger: cliLogger });
}
registerRemoteCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  // --help and --version end here too, having printed what was asked.
  if (e instanceof CommanderError && ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(e.code)) {
    process.exit(e.code === 'commander.help' ? 2 : e.exitCode);
  }
  process.exit(reportFailure(e, verbose));
});
