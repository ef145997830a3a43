import type { MantisRequest } from '../http/request-context.js';
import type { Principal } from './principal.js';

/**
 * Turns a request's credentials into a Principal, or throws ApiError
 * (missing_token, invalid_token, user_not_provisioned, auth_not_configured).
 * The identity module provides the implementation.
 */
export abstract class PrincipalResolver {
  abstract resolve(req: MantisRequest): Promise<Principal>;

  /** As `resolve`, from the database alone (no cache): for a cached principal a committed change may have overtaken. */
  abstract resolveFresh(req: MantisRequest): Promise<Principal>;
}
