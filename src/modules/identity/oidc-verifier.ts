import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig, type OidcConfig } from '../../config/app-config.js';
import { ApiError } from '../../platform/http/api-error.js';
import { LOGGER } from '../../platform/http/logger.js';

/** Asymmetric algorithms only: `none` and HMAC (the RSA-public-key-as-secret trick) never verify. */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
export const OIDC_CLOCK_TOLERANCE_S = 30;
/** An unknown `kid` refetches the JWKS at most once a minute. */
export const JWKS_REFETCH_COOLDOWN_MS = 60_000;

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Why a JWT was refused: an API client only ever sees `invalid_token`; the console sign-in page names the reason. */
export class JwtRejected extends Error {
  constructor(
    message: string,
    readonly reason: 'email_not_verified' | 'domain_not_allowed' | 'invalid' = 'invalid',
  ) {
    super(message);
  }
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * OIDC resource-server validation: discovery through openid-client, JWKS
 * through jose's remote key set (cached; refetched on an unknown kid after the
 * cooldown). `jku`, `x5u` and embedded `jwk` headers are never consulted:
 * keys come only from the issuer's JWKS.
 */
@Injectable()
export class OidcVerifier {
  private readonly cfg?: OidcConfig;
  private keys?: Promise<{ issuer: string; jwks: KeySet }>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.cfg = config.oidc;
  }

  get enabled(): boolean {
    return !!this.cfg;
  }

  /**
   * The verified email (lowercased), or throws JwtRejected / ApiError(service_unavailable).
   * `audience` is the API's by default; the console's sign-in checks an ID token against the client id.
   */
  async verify(token: string, audience?: string): Promise<string> {
    const cfg = this.cfg;
    if (!cfg) throw new JwtRejected('oidc not configured');
    if (!JWT_SHAPE.test(token)) throw new JwtRejected('not a JWT');
    const { issuer, jwks } = await this.keySet(cfg);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer,
        audience: audience ?? cfg.audience,
        algorithms: OIDC_ALGORITHMS,
        clockTolerance: OIDC_CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'iss', 'aud'],
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWKSTimeout || (e instanceof TypeError && !(e instanceof joseErrors.JOSEError))) {
        this.logger.warn({ err: e }, 'identity provider JWKS unreachable');
        throw new ApiError('service_unavailable', 'The identity provider could not be reached');
      }
      throw new JwtRejected((e as Error).name);
    }
    if (payload.email_verified !== true) throw new JwtRejected('email not verified', 'email_not_verified');
    const email = typeof payload.email === 'string' ? payload.email.trim().toLowerCase() : '';
    const at = email.lastIndexOf('@');
    if (at <= 0 || email.indexOf('@') !== at || at === email.length - 1) throw new JwtRejected('no usable email');
    if (cfg.allowedDomains && !cfg.allowedDomains.includes(email.slice(at + 1))) throw new JwtRejected('domain not allowed', 'domain_not_allowed');
    return email;
  }

  /** Discovery once; a failed discovery is retried on the next token. */
  private keySet(cfg: OidcConfig): Promise<{ issuer: string; jwks: KeySet }> {
    this.keys ??= this.discover(cfg).catch((e) => {
      this.keys = undefined;
      this.logger.warn({ err: e, issuer: cfg.issuerUrl }, 'OIDC discovery failed');
      throw new ApiError('service_unavailable', 'The identity provider could not be reached');
    });
    return this.keys;
  }

  private async discover(cfg: OidcConfig): Promise<{ issuer: string; jwks: KeySet }> {
    const url = new URL(cfg.issuerUrl);
    const options = url.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined;
    const config = await oidc.discovery(url, cfg.clientId ?? cfg.audience, undefined, undefined, options);
    const meta = config.serverMetadata();
    if (!meta.jwks_uri) throw new Error('issuer metadata has no jwks_uri');
    const jwks = createRemoteJWKSet(new URL(meta.jwks_uri), { cooldownDuration: JWKS_REFETCH_COOLDOWN_MS, timeoutDuration: 5_000 });
    return { issuer: meta.issuer, jwks };
  }
}
