import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { embeddedUrl, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';
import { acquireOwner, DataDirInUseError, liveOwner, type EmbeddedOwner } from './embedded-state.js';

export interface OpenOptions {
  /** `server` refuses a directory another server uses; `cli` reaches that server's database. */
  role: EmbeddedOwner['role'];
  /** The command name recorded in the owner file, for the messages above. */
  command: string;
  /** How long to wait for a server still starting its database, or a CLI command to finish. */
  waitMs?: number;
  /** Ports the database must not take (the HTTP server's, not yet listening). */
  avoidPorts?: readonly number[];
}

/**
 * The embedded PostgreSQL of `dataDir`, one per directory: a CLI command
 * reaches the database of the server running there (and leaves it running);
 * otherwise this process starts its own and owns it until `stop()`. A second
 * server on the same directory is refused.
 */
export async function openEmbeddedDatabase(dataDir: string, logger: Logger, opts: OpenOptions): Promise<EmbeddedDatabase> {
  const root = join(dataDir, 'postgres');
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + (opts.waitMs ?? 60_000);
  for (;;) {
    const owner = liveOwner(dataDir);
    if (owner?.role === 'server' && opts.role === 'server') throw new DataDirInUseError(dataDir, owner);
    if (owner?.role === 'server' && owner.port !== undefined) {
      logger.info({ pid: owner.pid, port: owner.port }, `using the embedded PostgreSQL of the running mantis ${owner.command}`);
      return { url: embeddedUrl(root, owner.port), stop: async () => undefined, sharedWith: { pid: owner.pid, command: owner.command } };
    }
    if (!owner) {
      const lock = acquireOwner(dataDir, opts.role, opts.command);
      if (lock) return ownDatabase(dataDir, logger, lock, opts.avoidPorts);
      continue; // another process took it first: look again
    }
    // A server still starting its database, or a one-shot command using its own: wait for either.
    if (Date.now() > deadline) throw new DataDirInUseError(dataDir, owner);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function ownDatabase(
  dataDir: string,
  logger: Logger,
  lock: NonNullable<ReturnType<typeof acquireOwner>>,
  avoidPorts: readonly number[] = [],
): Promise<EmbeddedDatabase> {
  try {
    const db = await startEmbeddedPostgres(dataDir, logger, avoidPorts);
    lock.setPort(db.port);
    let stopping: Promise<void> | undefined;
    return {
      url: db.url,
      stop: () =>
        (stopping ??= (async () => {
          try {
            await db.stop();
          } finally {
            lock.release();
          }
        })()),
    };
  } catch (e) {
    lock.release();
    throw e;
  }
}
