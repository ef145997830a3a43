import { inspect } from 'node:util';
import { CommanderError } from 'commander';
import { ConfigError } from '../config/app-config.js';
import { DataDirInUseError } from '../platform/database/embedded-state.js';
import { DatabaseUnreachableError } from '../platform/database/database-check.js';
import { CliError } from './commands/cli-client.js';

/** The CLI's exit codes (README "CLI"). */
export const EXIT = {
  ok: 0,
  /** The command failed: the database, the server or a check refused or could not be reached. */
  failed: 1,
  /** Invalid usage or configuration: unknown command or option, a bad value, an invalid variable. */
  usage: 2,
  /** The data directory is in use by another `mantis start` (or serve/worker on the embedded database). */
  dataDirInUse: 3,
} as const;

export interface Failure {
  /** `<what went wrong>; <what to do>`, one line. */
  message: string;
  exitCode: number;
}

const firstLine = (s: string) =>
  s
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim() ?? '';
const VERBOSE_HINT = 'run again with --verbose for details';

function errnoCode(e: unknown): string | undefined {
  const err = e as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof err?.code === 'string') return err.code;
  if (Array.isArray(err?.errors) && err.errors.length) return errnoCode(err.errors[0]);
  return err?.cause ? errnoCode(err.cause) : undefined;
}

/** Operating-system failures a user can act on, said with what to do. */
function systemFailure(e: Error): string | undefined {
  const err = e as NodeJS.ErrnoException & { port?: number };
  switch (errnoCode(e)) {
    case 'EADDRINUSE':
      return `${err.port ? `port ${err.port}` : 'the port'} is already in use; stop the process using it, or set PORT to another port`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return err.path
        ? `cannot write ${err.path} (${err.code}); make it writable by this user, or set MANTIS_DATA_DIR to a writable directory`
        : `${firstLine(e.message)}; check the permissions of the files Mantis uses (MANTIS_DATA_DIR)`;
    case 'ENOSPC':
      return `no space left on the device (${err.path ?? 'MANTIS_DATA_DIR'}); free some space and retry`;
    default:
      return undefined;
  }
}

/**
 * What a failed command prints: one line and an exit code, whatever was
 * thrown, including values that are not Errors (a library rejecting with
 * `undefined`, a string, a plain object).
 */
export function describeFailure(e: unknown): Failure {
  if (e instanceof CliError) return { message: firstLine(e.message), exitCode: e.exitCode };
  if (e instanceof CommanderError) {
    return { message: `${firstLine(e.message).replace(/^error:\s*/, '')}; see \`mantis --help\``, exitCode: EXIT.usage };
  }
  if (e instanceof ConfigError) {
    const what = firstLine(e.message).replace(/^Invalid configuration/, 'invalid configuration');
    return { message: `${what}; correct it in the environment or mantis.yaml and retry`, exitCode: EXIT.usage };
  }
  if (e instanceof DataDirInUseError) return { message: e.message, exitCode: EXIT.dataDirInUse };
  if (e instanceof DatabaseUnreachableError) return { message: e.message, exitCode: EXIT.failed };
  if (e instanceof Error) {
    const known = systemFailure(e);
    return { message: known ?? `${firstLine(e.message) || e.name}; ${VERBOSE_HINT}`, exitCode: EXIT.failed };
  }
  const shown = e === undefined ? 'undefined' : firstLine(typeof e === 'string' ? e : inspect(e, { depth: 2, breakLength: Infinity }));
  return { message: `failed without an error message (${shown}); ${VERBOSE_HINT}`, exitCode: EXIT.failed };
}

/** Prints the failure (and, with --verbose, the stack or the value thrown) and sets the exit code. */
export function reportFailure(e: unknown, verbose: boolean): number {
  const { message, exitCode } = describeFailure(e);
  process.stderr.write(`mantis: ${message}\n`);
  if (verbose) {
    const detail = e instanceof Error ? (e.stack ?? String(e)) : inspect(e, { depth: 4 });
    process.stderr.write(`${detail}\n`);
    const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
    if (cause !== undefined) process.stderr.write(`caused by: ${cause instanceof Error ? cause.stack : inspect(cause)}\n`);
  }
  return exitCode;
}
