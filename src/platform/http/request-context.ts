import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, TeamContext } from '../auth/principal.js';
import type { RouteTarget } from '../auth/route-target.js';
import type { RequestAudit } from './request-audit.js';

/** What the pipeline attaches to a request as it passes the guards. */
export interface MantisRequest extends FastifyRequest {
  principal?: Principal;
  team?: TeamContext;
  /** What a `@TargetTeam` route acts on, found by its lookup before authentication. */
  target?: RouteTarget;
  /**
   * Set when the principal came from an in-process cache: the auth epoch up to
   * which that cache had applied every change. The request's first statement
   * must find no later epoch, else the principal is resolved again.
   */
  principalAsOf?: bigint;
  /** Set by the auth guard when credentials were refused, for the audit and metrics. */
  authFailure?: string;
  /** The request's audit event as it takes shape (declaration, annotations, whether it is written). */
  audit?: RequestAudit;
}

export type MantisReply = FastifyReply;
