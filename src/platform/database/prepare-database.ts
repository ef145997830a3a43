import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { probeDatabase } from './database-check.js';
import type { EmbeddedDatabase } from './embedded-postgres.js';
import { migrate } from './migrator.js';

export interface DatabaseOptions {
  /** Apply pending migrations (default: MANTIS_AUTO_MIGRATE). */
  migrate?: boolean;
  /** Who opens an embedded database: a server owns it; a CLI command reaches a running server's. */
  role?: 'server' | 'cli';
  /** The command, as named in "data directory in use" messages. */
  command?: string;
}

/** Resolves the database (configured or embedded) and applies migrations unless disabled. */
export async function prepareDatabase(config: AppConfig, logger: Logger, opts: DatabaseOptions = {}) {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    // Loaded only when needed: the package installs process exit hooks of its own.
    const { openEmbeddedDatabase } = await import('./embedded-database.js');
    embedded = await openEmbeddedDatabase(config.dataDir, logger, { role: opts.role ?? 'cli', command: opts.command ?? 'cli', avoidPorts: [config.port] });
    databaseUrl = embedded.url;
  }
  try {
    await probeDatabase(databaseUrl, { embedded: !!embedded });
    if (opts.migrate ?? config.autoMigrate) {
      const applied = await migrate(databaseUrl);
      if (applied.length) logger.info({ applied }, 'migrations applied');
    }
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  return { databaseUrl, embedded };
}
