#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { createLogger } from '../platform/http/logger.js';
import { REMOTE_COMMANDS, registerRemoteCommands } from './commands/remote.commands.js';

// The server (Nest, Prisma, Playwright) loads only for commands that run it:
// REST-backed commands start in a fraction of the time without it.
const runtime = () => import('../runtime.js');

function config() {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

const program = new Command('mantis').description('Mantis: control plane for browser-agent runs').showHelpAfterError();

program
  .command('start')
  .description('serve the API and run the worker in one process (embedded PostgreSQL without DATABASE_URL)')
  .action(async () => (await runtime()).runUntilSignalled({ config: config(), roles: ['api', 'worker'] }));

program
  .command('serve')
  .description('serve the HTTP API')
  .action(async () => (await runtime()).runUntilSignalled({ config: config(), roles: ['api'] }));

program
  .command('worker')
  .description('execute queued runs and send webhook deliveries')
  .action(async () => (await runtime()).runUntilSignalled({ config: config(), roles: ['worker'] }));

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const cfg = config();
    const logger = createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel);
    const { embedded } = await (await runtime()).prepareDatabase(cfg, logger, true);
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
    const result = await runInit(cfg, createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel), opts.adminEmail);
    if (result.created) {
      process.stdout.write(`Created admin ${result.email} in team default.\n`);
      process.stdout.write(`API Key: ${result.key}\n`);
      process.stdout.write('Save this key — it cannot be retrieved again.\n');
    } else {
      process.stdout.write('Already initialised; nothing changed.\n');
    }
  });

if (!REMOTE_COMMANDS.has(process.argv[2] ?? '')) {
  const { registerKeysCommands } = await import('./commands/keys.command.js');
  registerKeysCommands(program, { config, logger: (c) => createLogger(c.logLevel === 'info' ? 'warn' : c.logLevel) });
}
registerRemoteCommands(program);

program.parseAsync(process.argv).catch((e: Error) => {
  process.stderr.write(`mantis: ${e.message}\n`);
  process.exit(1);
});
