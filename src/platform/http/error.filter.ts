import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { RecordNotFound, UniqueViolation } from '../database/repository-errors.js';
import { ApiError, statusOf, type ErrorBody, type ErrorCode } from './api-error.js';
import { LOGGER } from './logger.js';
import type { MantisReply, MantisRequest } from './request-context.js';
import { RequestEvents } from './request-events.js';
import { zodDetails } from './zod-details.js';

interface Shaped {
  code: ErrorCode;
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
  status: number;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation_failed',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
};

function fromHttpException(e: HttpException): Shaped {
  const status = e.getStatus();
  const byStatus: Record<number, ErrorCode> = {
    400: 'validation_failed',
    401: 'invalid_token',
    403: 'insufficient_role',
    404: 'not_found',
    405: 'method_not_allowed',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'rate_limited',
    503: 'service_unavailable',
  };
  const code = byStatus[status] ?? (status >= 500 ? 'internal_error' : 'validation_failed');
  const message = status === 404 ? 'No such route' : status >= 500 ? 'Internal error' : e.message;
  return { code, message, status: statusOf(code) === status ? status : statusOf(code) };
}

/** One error shape for everything (the OpenAPI description: errors); never a stack trace or SQL in a response. */
export function shapeError(exception: unknown): Shaped {
  if (exception instanceof ApiError) {
    return { code: exception.code, message: exception.message, details: exception.details, headers: exception.headers, status: exception.status };
  }
  if (exception instanceof ZodError) {
    return { code: 'validation_failed', message: 'Invalid request', details: zodDetails(exception), status: 400 };
  }
  if (exception instanceof UniqueViolation) return { code: 'conflict', message: 'A resource with that name already exists', status: 409 };
  if (exception instanceof RecordNotFound) return { code: 'not_found', message: 'resource not found', status: 404 };
  const e = exception as { code?: string; name?: string; statusCode?: number; meta?: { target?: unknown } };
  if (typeof e?.code === 'string' && e.name === 'PrismaClientKnownRequestError') {
    if (e.code === 'P2002') return { code: 'conflict', message: 'A resource with that name already exists', status: 409 };
    if (e.code === 'P2025') return { code: 'not_found', message: 'resource not found', status: 404 };
  }
  if (typeof e?.code === 'string' && FASTIFY_CODES[e.code]) {
    const code = FASTIFY_CODES[e.code];
    return { code, message: (exception as Error).message, status: statusOf(code) };
  }
  if (exception instanceof SyntaxError && e.statusCode === 400) {
    return { code: 'validation_failed', message: 'Request body is not valid JSON', status: 400 };
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { code: 'validation_failed', message: (exception as Error).message, status: 400 };
  }
  return { code: 'internal_error', message: 'Internal error', status: 500 };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: RequestEvents,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<MantisRequest>();
    const reply = host.switchToHttp().getResponse<MantisReply>();
    const shaped = shapeError(exception);
    if (shaped.status >= 500) this.logger.error({ err: exception, reqId: req.id }, 'request failed');

    try {
      await this.events.emitFailure({ req, status: shaped.status, code: shaped.code, message: shaped.message });
    } catch (e) {
      this.logger.error({ err: e, reqId: req.id }, 'failure listener failed');
    }

    const body: ErrorBody = { error: { code: shaped.code, message: shaped.message, request_id: String(req.id) } };
    if (shaped.details !== undefined) body.error.details = shaped.details;
    if (reply.sent) return;
    for (const [k, v] of Object.entries(shaped.headers ?? {})) reply.header(k, v);
    reply.header('x-request-id', String(req.id));
    reply.status(shaped.status).type('application/json').send(body);
  }
}
