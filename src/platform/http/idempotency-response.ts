import type { FastifyInstance } from 'fastify';
import type { MantisRequest } from './request-context.js';

const STATUS = Symbol('mantis:response-status');
type WithStatus = MantisRequest & { [STATUS]?: number };

/**
 * Sets the success status of a response decided at run time (202 while a run
 * is still going, 200 once it has an answer; a replayed idempotent response).
 * Nest applies `@HttpCode` after the handler returns, so the status is put in
 * place by an `onSend` hook instead; error responses keep their own status.
 */
export function setResponseStatus(req: MantisRequest, status: number): void {
  (req as WithStatus)[STATUS] = status;
}

export function responseStatusOverride(req: MantisRequest): number | undefined {
  return (req as WithStatus)[STATUS];
}

export function installResponseStatusHook(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (req, reply, payload, done) => {
    const status = (req as WithStatus)[STATUS];
    if (status !== undefined && reply.statusCode < 400) reply.code(status);
    done(null, payload);
  });
}
