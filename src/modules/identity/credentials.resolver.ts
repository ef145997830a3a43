import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyLookup, membershipsOf, principalOfKey } from '../api-keys/api-key-lookup.service.js';
import { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { SessionLookup } from '../sessions/session-lookup.service.js';
import { SingleTenantService } from '../tenant-keys/single-tenant.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { JwtRejected, OidcVerifier } from './oidc-verifier.js';
import { PreauthLimiter } from './preauth-limiter.js';
import { PrincipalResolver } from '../../platform/auth/principal-resolver.js';
import { SCOPES, type Principal } from '../../platform/auth/principal.js';

/** One message for every refused credential, so a caller learns nothing about why. */
export const INVALID_TOKEN_MESSAGE = 'The token is invalid, expired or revoked';

export type Credential = { kind: 'token'; value: string } | { kind: 'jwt'; value: string };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Credential precedence (the OpenAPI description): `X-Mantis-Token`, then `Authorization: Bearer`. Any
 * other Authorization scheme (e.g. a gateway's `Api-Key …`) is ignored.
 */
export function readCredential(headers: MantisRequest['headers']): Credential | null {
  const header = headers['x-mantis-token'];
  const token = (Array.isArray(header) ? header[0] : header)?.trim();
  if (token) return { kind: 'token', value: token };
  const auth = headers.authorization;
  const bearer = typeof auth === 'string' ? BEARER.exec(auth)?.[1] : undefined;
  if (!bearer) return null;
  return bearer.startsWith('mk_') ? { kind: 'token', value: bearer } : { kind: 'jwt', value: bearer };
}

/**
 * Turns credentials into a Principal: `mk_` keys and tenant tokens (hash
 * lookup, cached), the single-tenant token, or an OIDC JWT. Every refusal is
 * left on the request (`authFailure`) for the audit log and the metrics, which
 * read it from the failed-request events.
 */
@Injectable()
export class CredentialsResolver extends PrincipalResolver {
  private keysSeen = false;

  constructor(
    private readonly keys: ApiKeyLookup,
    private readonly identities: ApiKeysRepository,
    private readonly oidc: OidcVerifier,
    private readonly singleTenant: SingleTenantService,
    private readonly preauth: PreauthLimiter,
    private readonly sessions: SessionLookup,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async resolve(req: MantisRequest): Promise<Principal> {
    return this.resolveWith(req, false);
  }

  resolveFresh(req: MantisRequest): Promise<Principal> {
    return this.resolveWith(req, true);
  }

  private async resolveWith(req: MantisRequest, fresh: boolean): Promise<Principal> {
    req.principalAsOf = undefined;
    const address = req.ip ?? 'unknown';
    const refusal = fresh ? null : this.preauth.refusal(address);
    if (refusal) {
      // This address has spent its unauthenticated requests: only what needs no database may still pass.
      const principal = await this.withoutDatabase(req);
      if (principal) return principal;
      req.authFailure = 'rate_limited';
      throw refusal;
    }
    try {
      return await this.authenticate(req, fresh);
    } catch (e) {
      if (e instanceof ApiError) {
        req.authFailure = e.code;
        this.preauth.charge(address);
      }
      throw e;
    }
  }

  /** A cached key or the single-tenant token: recognised from memory alone. */
  private async withoutDatabase(req: MantisRequest): Promise<Principal | null> {
    const credential = readCredential(req.headers);
    if (credential?.kind !== 'token') return null;
    if (this.singleTenant.enabled) {
      const single = await this.singleTenant.match(credential.value);
      if (single) return single;
    }
    const found = this.keys.findCached(credential.value);
    if (!found) return null;
    req.principalAsOf = found.asOf;
    return principalOfKey(found.key);
  }

  private async authenticate(req: MantisRequest, fresh: boolean): Promise<Principal> {
    const credential = readCredential(req.headers);
    // Headers win: API keys and bearer tokens are unaffected by a console cookie sent alongside.
    if (!credential && this.sessions.hasCookie(req)) return this.fromSession(req);
    if (!credential) {
      if (!(await this.configured())) throw notConfigured();
      throw new ApiError('missing_token', 'Send a token in X-Mantis-Token or Authorization: Bearer, or sign in to the console');
    }
    const principal = credential.kind === 'jwt' ? await this.fromJwt(credential.value) : await this.fromToken(req, credential.value, fresh);
    if (principal) return principal;
    if (!(await this.configured())) throw notConfigured();
    throw new ApiError('invalid_token', INVALID_TOKEN_MESSAGE);
  }

  /** The console session cookie; state-changing requests must also carry its CSRF token. */
  private async fromSession(req: MantisRequest): Promise<Principal> {
    const session = await this.sessions.find(req);
    if (!session) throw new ApiError('invalid_token', 'The console session has ended; sign in again');
    this.sessions.checkCsrf(req, session);
    return session.principal;
  }

  private async fromToken(req: MantisRequest, token: string, fresh: boolean): Promise<Principal | null> {
    if (this.singleTenant.enabled) {
      const single = await this.singleTenant.match(token);
      if (single) return single;
    }
    const found = await this.keys.find(token, fresh);
    if (!found) return null;
    req.principalAsOf = found.asOf;
    return principalOfKey(found.key);
  }

  private async fromJwt(token: string): Promise<Principal | null> {
    if (!this.oidc.enabled) return null;
    let email: string;
    try {
      email = await this.oidc.verify(token);
    } catch (e) {
      if (e instanceof JwtRejected) return null;
      throw e;
    }
    const user = await this.identities.findIdentityByEmail(email);
    if (!user) throw new ApiError('user_not_provisioned', 'No Mantis user exists for this identity; ask an administrator to add you');
    return {
      kind: user.kind === 'service' ? 'service' : 'user',
      userId: user.id,
      email: user.email,
      admin: user.isAdmin,
      memberships: membershipsOf(user),
      scopes: [...SCOPES],
      authMethod: 'oidc',
    };
  }

  /** Any credential source at all: keys file, MANTIS_API_TOKEN, OIDC, or a key in the database. */
  private async configured(): Promise<boolean> {
    if (this.config.tenantKeysPath || this.config.apiToken || this.config.oidc || this.keysSeen) return true;
    this.keysSeen = await this.identities.anyKeyExists();
    return this.keysSeen;
  }
}

function notConfigured(): ApiError {
  return new ApiError(
    'auth_not_configured',
    'No credential source is configured: run `mantis init`, set MANTIS_API_TOKEN or MANTIS_TENANT_KEYS_PATH, or configure OIDC',
  );
}
