#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { prepareDatabase, runUntilSignalled } from '../runtime.js';
import { createLogger } from '../platform/http/logger.js';
import { runInit } from './commands/init.command.js';
import { registerKeysCommands } from './commands/keys.command.js';
import { registerRemoteCommands } from './commands/remote.commands.js';

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
  .action(() => runUntilSignalled({ config: config(), roles: ['api', 'worker'] }));

program
  .command('serve')
  .description('serve the HTTP API')
  .action(() => runUntilSignalled({ config: config(), roles: ['api'] }));

program
  .command('worker')
  .description('execute queued runs and send webhook deliveries')
  .action(() => runUntilSignalled({ config: config(), roles: ['worker'] }));

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    const cfg = config();
    const logger = createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel);
    const { embedded } = await prepareDatabase(cfg, logger, true);
    await embedded?.stop();
    process.stdout.write('Migrations applied.\n');
  });

program
  .command('init')
  .description('apply migrations, create the team `default` and a first admin with an API key')
  .option('--admin-email <email>', 'email of the first admin', 'admin@mantis.local')
  .action(async (opts: { adminEmail: string }) => {
    const cfg = config();
    const result = await runInit(cfg, createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel), opts.adminEmail);
    if (result.created) {
      process.stdout.write(`Created admin ${result.email} in team default.\n`);
      process.stdout.write(`API Key: ${result.key}\n`);
      process.stdout.write('Save this key — it cannot be retrieved again.\n');
    } else {
      process.stdout.write('Already initialised; nothing changed.\n');
    }
  });

registerKeysCommands(program, { config, logger: (c) => createLogger(c.logLevel === 'info' ? 'warn' : c.logLevel) });
registerRemoteCommands(program);

program.parseAsync(process.argv).catch((e: Error) => {
  process.stderr.write(`mantis: ${e.message}\n`);
  process.exit(1);
});
