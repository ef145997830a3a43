import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import type { PrismaService } from '../../platform/database/prisma.service.js';

export const INIT_COMMAND = 'npm run mantis -- init --admin-email you@example.com';

/** Where a browser on this machine reaches the server (a wildcard bind address means this machine). */
export function localBaseUrl(config: AppConfig, port: number): string {
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}`;
}

/**
 * On a server with no admin yet (a fresh install), one log line says how to
 * create the first admin and where the console and the API docs are.
 */
export async function logFirstRunHint(prisma: PrismaService, logger: Logger, config: AppConfig, port: number): Promise<void> {
  if (await prisma.user.findFirst({ where: { isAdmin: true }, select: { id: true } })) return;
  const base = localBaseUrl(config, port);
  const console = `${base}/console`;
  const docs = `${base}/docs`;
  logger.info(
    { command: INIT_COMMAND, console, docs },
    `no admin yet: run \`${INIT_COMMAND}\` (or \`mantis init --admin-email you@example.com\` where mantis is installed) ` +
      `to create one; it prints the admin's API key once. Console: ${console}, API docs: ${docs}`,
  );
}
