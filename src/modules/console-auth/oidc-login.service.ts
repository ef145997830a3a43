import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig, type OidcConfig } from '../../config/app-config.js';
import { JwtRejected, OidcVerifier } from '../identity/oidc-verifier.js';
import { ApiError } from '../../platform/http/api-error.js';
import { LOGGER } from '../../platform/http/logger.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { hashSessionToken, newToken, OIDC_STATE_COOKIE, readCookie, safeEqual } from '../sessions/session-token.js';

export const OIDC_LOGIN_TTL_S = 600;
export const CALLBACK_PATH = '/auth/oidc/callback';

/** Why an SSO sign-in was refused; the sign-in page explains each. */
export type SignInFailure = 'email_not_verified' | 'domain_not_allowed' | 'user_not_provisioned' | 'sso_failed' | 'sso_expired';

export class SignInRefused extends Error {
  constructor(
    readonly reason: SignInFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A same-origin path (`/console/…`), never `//host` or a scheme; anything else is refused. */
export function safeReturnTo(value: unknown): string | null {
  if (value === undefined || value === '') return '/console/';
  // Control characters are refused on purpose: a header or log line must never be split by a return path.
  // eslint-disable-next-line no-control-regex
  if (typeof value !== 'string' || value.length > 2000 || !value.startsWith('/') || /[\\\u0000-\u001f]/.test(value)) return null;
  const base = 'http://mantis.invalid';
  const url = new URL(value, base);
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : null;
}

/**
 * The console's SSO: authorization code with PKCE (S256), `state` bound to a
 * short-lived cookie and `nonce`, through openid-client against the
 * configured issuer. The ID token is then held to the same rules as an API
 * JWT (signature, issuer, expiry, `email_verified`, allowed domains).
 */
@Injectable()
export class OidcLoginService {
  private readonly cfg?: OidcConfig;
  private client?: Promise<oidc.Configuration>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly repo: SessionsRepository,
    private readonly verifier: OidcVerifier,
  ) {
    this.cfg = config.oidc?.clientId ? config.oidc : undefined;
  }

  get enabled(): boolean {
    return !!this.cfg;
  }

  /** Where to send the browser, and the state for its cookie. */
  async begin(req: MantisRequest, returnTo: string): Promise<{ url: string; state: string }> {
    const config = await this.configuration();
    const state = newToken();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const redirectUri = `${this.origin(req)}${CALLBACK_PATH}`;
    await this.repo.saveOidcLogin(hashSessionToken(state), {
      codeVerifier,
      nonce,
      returnTo,
      redirectUri,
      expiresAt: new Date(Date.now() + OIDC_LOGIN_TTL_S * 1000),
    });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /** Checks state (query against cookie), exchanges the code, verifies the ID token: the user's email and where to go. */
  async complete(req: MantisRequest): Promise<{ email: string; returnTo: string }> {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const state = typeof query.state === 'string' ? query.state : '';
    const cookie = readCookie(req, OIDC_STATE_COOKIE) ?? '';
    // Taken before the cookie check: a state presented without its browser is burnt, not left for a replay.
    const login = state ? await this.repo.takeOidcLogin(hashSessionToken(state)) : null;
    if (!state || !safeEqual(state, cookie)) throw new SignInRefused('sso_expired', 'the sign-in state does not match this browser');
    if (!login || login.expiresAt.getTime() <= Date.now()) throw new SignInRefused('sso_expired', 'the sign-in took too long or was already used');
    if (typeof query.error === 'string') throw new SignInRefused('sso_failed', `the identity provider answered ${query.error.slice(0, 100)}`);
    const config = await this.configuration();
    const current = new URL(login.redirectUri);
    current.search = new URL(req.url, 'http://x').search;
    let idToken: string | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.id_token;
    } catch (e) {
      this.logger.warn({ err: e }, 'OIDC code exchange failed');
      throw new SignInRefused('sso_failed', 'the identity provider did not complete the sign-in');
    }
    try {
      return { email: await this.verifier.verify(idToken ?? '', this.cfg!.clientId), returnTo: login.returnTo };
    } catch (e) {
      if (e instanceof JwtRejected) throw new SignInRefused(e.reason === 'invalid' ? 'sso_failed' : e.reason, e.message);
      throw e;
    }
  }

  private origin(req: MantisRequest): string {
    return this.config.publicUrl ?? `${req.protocol}://${req.host}`;
  }

  private configuration(): Promise<oidc.Configuration> {
    const cfg = this.cfg;
    if (!cfg?.clientId) return Promise.reject(new ApiError('not_found', 'SSO sign-in is not configured'));
    const url = new URL(cfg.issuerUrl);
    const options = url.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined;
    const auth = cfg.clientSecret ? oidc.ClientSecretPost(cfg.clientSecret) : oidc.None();
    this.client ??= oidc.discovery(url, cfg.clientId, cfg.clientSecret, auth, options).catch((e) => {
      this.client = undefined;
      this.logger.warn({ err: e, issuer: cfg.issuerUrl }, 'OIDC discovery failed');
      throw new ApiError('service_unavailable', 'The identity provider could not be reached');
    });
    return this.client;
  }
}
