import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';

const KEY_PATTERN = /mk_[0-9a-fA-F]{4,}/g;
const BEARER_PATTERN = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const BEARER_WORD = /bearer/i;

/** Credential-looking text inside any logged string is replaced before it is written. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrub(value.message, depth + 1), stack: scrub(value.stack, depth + 1) };
  }
  // Objects are copied only when something in them changes: most log arguments (an access log line,
  // a run id) hold nothing to scrub, and copying each one was a measurable share of a request's cost.
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = scrub(value[i], depth + 1);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const k in value) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
    const before = (value as Record<string, unknown>)[k];
    const v = scrub(before, depth + 1);
    if (v !== before) (out ??= { ...(value as Record<string, unknown>) })[k] = v;
  }
  return out ?? value;
}

function scrubText(text: string): string {
  // The cheap test first: a string with neither marker cannot match either pattern.
  if (!text.includes('mk_') && !BEARER_WORD.test(text)) return text;
  return text.replace(KEY_PATTERN, 'mk_[REDACTED]').replace(BEARER_PATTERN, '$1[REDACTED]');
}

/** Header and field names whose values are never written, whatever they hold. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-mantis-token"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-mantis-token"]',
  'headers.cookie',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.key',
  '*.secret',
  '*.value',
  '*.password',
];

/**
 * The process logger. Without an explicit destination it writes to stdout
 * through a 4 KB buffer, written out when full and at least every 100 ms
 * (and when the process exits): one write per few dozen lines instead of a
 * blocking write per line, with memory bounded by the buffer. A fully
 * asynchronous destination was faster still but let its pending text grow by
 * well over 100 MB under load when stdout lagged (bench/README.md).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'mantis' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: {
        err: (e: Error) => scrub(e),
        req: (req: { method: string; url: string; id?: string }) => ({
          method: req.method,
          url: scrub(req.url),
          id: req.id,
        }),
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrub(a)) as Parameters<typeof method>);
        },
      },
    },
    destination ?? bufferedStdout(),
  );
}

let stdout: ReturnType<typeof pino.destination> | undefined;

function bufferedStdout(): DestinationStream {
  if (!stdout) {
    const dest = pino.destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 100 });
    process.once('exit', () => dest.flushSync());
    stdout = dest;
  }
  return stdout;
}

/** Nest's logger interface over pino, so framework messages are JSON lines too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

export const LOGGER = Symbol('LOGGER');
