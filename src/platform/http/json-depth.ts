import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

/** Deeper JSON than any Mantis body needs; deeper input would only feed recursion (validation, hashing) until the stack gives out. */
export const MAX_JSON_DEPTH = 32;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of objects and arrays in a JSON text, stopping early past `limit`. Strings are skipped. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

/**
 * Fastify's JSON body parsing, refusing bodies nested deeper than
 * MAX_JSON_DEPTH (400 validation_failed) before parsing them; the parse
 * itself is Fastify's (prototype poisoning refused).
 */
export function installJsonDepthLimit(app: NestFastifyApplication, bodyLimit: number): void {
  const parse = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (req: FastifyRequest, body: Buffer, done) => {
    const text = body.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(
        ApiError.validation(`The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`, {
          fields: [{ field: '(root)', message: `nested deeper than ${MAX_JSON_DEPTH} levels`, in: 'body' }],
        }),
        undefined,
      );
      return;
    }
    parse(req, text, done);
  });
}
