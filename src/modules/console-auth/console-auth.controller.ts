import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../../platform/auth/auth.decorators.js';
import { SCOPES, type Principal } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import { ZodBody, ZodResponse } from '../../platform/http/openapi.js';
import type { MantisReply, MantisRequest } from '../../platform/http/request-context.js';
import { ZodPipe } from '../../platform/http/zod-pipe.js';
import { ApiKeyLookup, membershipsOf, principalOfKey } from '../api-keys/api-key-lookup.service.js';
import { ApiKeysRepository } from '../api-keys/api-keys.repository.js';
import { annotateAudit, Audit, markAudited } from '../audit/audit.decorator.js';
import { AuditService } from '../audit/audit.service.js';
import { meOf } from '../me/me.schemas.js';
import { apiKeySignInSchema, authMethodsSchema, sessionSchema, type ApiKeySignIn } from './console-auth.schemas.js';
import { OIDC_LOGIN_TTL_S, OidcLoginService, safeReturnTo, SignInRefused } from './oidc-login.service.js';
import { SessionLookup } from '../sessions/session-lookup.service.js';
import { clearSessionCookie, csrfTokenFor, oidcStateCookie, sessionCookie } from '../sessions/session-token.js';

const LOGIN_PAGE = '/console/login';

/** Session events go to the chain of the principal's only team, else to the global chain. */
const auditTeam = (p: Principal) => (p.memberships.length === 1 ? { id: p.memberships[0].teamId, slug: p.memberships[0].teamSlug } : null);

@ApiTags('console sessions')
@Controller('auth')
export class ConsoleAuthController {
  constructor(
    private readonly sessions: SessionLookup,
    private readonly sso: OidcLoginService,
    private readonly keys: ApiKeyLookup,
    private readonly identities: ApiKeysRepository,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @Get('methods')
  @Public()
  @ApiOperation({ summary: 'Which console sign-in methods this server offers' })
  @ZodResponse(200, authMethodsSchema)
  methods() {
    return { sso: this.sso.enabled, api_key: true };
  }

  @Get('oidc/login')
  @Public()
  @ApiOperation({
    summary: 'Starts the console SSO sign-in',
    description:
      'Redirects to the issuer (authorization code, PKCE S256, `state`, `nonce`). `return_to` must be a same-origin path (default `/console/`). ' +
      "The redirect URI is `MANTIS_PUBLIC_URL` (else the request's own origin) + `/auth/oidc/callback`. 404 when SSO is not configured.",
  })
  async oidcLogin(@Req() req: MantisRequest, @Res() reply: MantisReply, @Query('return_to') returnTo?: string): Promise<void> {
    const target = safeReturnTo(returnTo);
    if (target === null)
      throw ApiError.validation('return_to must be a path on this server', [{ field: 'return_to', in: 'query', message: 'must start with a single /' }]);
    const { url, state } = await this.sso.begin(req, target);
    reply
      .header('set-cookie', oidcStateCookie(req, state, OIDC_LOGIN_TTL_S))
      .header('cache-control', 'no-store')
      .redirect(url, 302);
  }

  @Get('oidc/callback')
  @Public()
  @ApiOperation({
    summary: 'The issuer returns here',
    description:
      'Checks `state` and `nonce`, exchanges the code with the PKCE verifier, validates the ID token (`email_verified`, allowed domains, a pre-provisioned user), ' +
      'creates a session and redirects to `return_to`. A refusal redirects to `/console/login?error=<reason>` (`email_not_verified`, `domain_not_allowed`, ' +
      '`user_not_provisioned`, `sso_expired`, `sso_failed`) and is audited as `session.create` with outcome `denied`.',
  })
  async oidcCallback(@Req() req: MantisRequest, @Res() reply: MantisReply): Promise<void> {
    reply.header('cache-control', 'no-store').header('set-cookie', oidcStateCookie(req, '', 0));
    let email: string | undefined;
    try {
      const done = await this.sso.complete(req);
      email = done.email;
      const user = await this.identities.findIdentityByEmail(done.email);
      if (!user) throw new SignInRefused('user_not_provisioned', 'no Mantis user exists for this email');
      const principal: Principal = {
        kind: user.kind === 'service' ? 'service' : 'user',
        userId: user.id,
        email: user.email,
        admin: user.isAdmin,
        memberships: membershipsOf(user),
        scopes: [...SCOPES],
        authMethod: 'oidc',
      };
      const session = await this.startSession(req, principal, 302);
      reply.header('set-cookie', [oidcStateCookie(req, '', 0), sessionCookie(req, session.token)]).redirect(done.returnTo, 302);
    } catch (e) {
      if (!(e instanceof SignInRefused)) throw e;
      const event = this.audit.fromRequest(req, {
        action: 'session.create',
        outcome: 'denied',
        status: 302,
        team: null,
        target: { type: 'session', id: null },
        details: { auth_method: 'oidc', reason: e.reason, email },
      });
      await this.audit.recordSafely({ ...event, actor: { type: 'user', id: null, email: email ?? null }, authMethod: 'oidc' });
      reply.redirect(`${LOGIN_PAGE}?error=${e.reason}`, 302);
    }
  }

  @Post('session')
  @Public()
  @Audit('session.create', 'session')
  @ApiOperation({
    summary: 'Signs in to the console with an API key',
    description:
      "Sets the `mantis_session` cookie (HttpOnly, SameSite=Lax, Secure over https, Path=/) for the key's principal. The session ends when the key is revoked or expires.",
  })
  @ZodBody(apiKeySignInSchema)
  @ZodResponse(201, sessionSchema)
  async apiKeySignIn(@Req() req: MantisRequest, @Res({ passthrough: true }) reply: MantisReply, @Body(new ZodPipe(apiKeySignInSchema)) body: ApiKeySignIn) {
    // From the database, not the cache: a key revoked on another replica a moment ago must not start a session.
    const found = await this.keys.find(body.api_key.trim(), true);
    if (!found) throw new ApiError('invalid_token', 'The token is invalid, expired or revoked');
    const principal = principalOfKey(found.key);
    req.principal = principal;
    const session = await this.startSession(req, principal, 201);
    reply.header('set-cookie', sessionCookie(req, session.token)).header('cache-control', 'no-store');
    return { csrf_token: csrfTokenFor(session.token), principal: meOf(principal) };
  }

  @Get('session')
  @Public()
  @ApiOperation({
    summary: 'The console session of this browser: its CSRF token and principal (current roles)',
    description: '401 `invalid_token` when the session has ended or expired.',
  })
  @ZodResponse(200, sessionSchema)
  async current(@Req() req: MantisRequest, @Res({ passthrough: true }) reply: MantisReply) {
    const session = await this.sessions.find(req);
    if (!session) throw new ApiError(this.sessions.hasCookie(req) ? 'invalid_token' : 'missing_token', 'Not signed in to the console');
    reply.header('cache-control', 'no-store');
    return { csrf_token: csrfTokenFor(session.token), principal: meOf(session.principal) };
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @Audit('session.end', 'session')
  @ApiOperation({
    summary: 'Ends the console session and clears its cookie',
    description: "Needs the session's X-CSRF-Token. Without a live session it only clears the cookie.",
  })
  async logout(@Req() req: MantisRequest, @Res({ passthrough: true }) reply: MantisReply): Promise<void> {
    reply.header('set-cookie', clearSessionCookie(req));
    const session = await this.sessions.find(req);
    if (!session) return markAudited(req);
    req.principal = session.principal;
    this.sessions.checkCsrf(req, session);
    await this.sessions.end(session.id);
    annotateAudit(req, { team: auditTeam(session.principal), targetId: session.id });
  }

  private async startSession(req: MantisRequest, principal: Principal, status: number) {
    const session = await this.sessions.create(principal, req);
    req.principal = principal;
    const details = { auth_method: principal.authMethod };
    if (status === 201) annotateAudit(req, { team: auditTeam(principal), targetId: session.id, details });
    else
      await this.audit.recordSafely(
        this.audit.fromRequest(req, {
          action: 'session.create',
          outcome: 'success',
          status,
          team: auditTeam(principal),
          target: { type: 'session', id: session.id },
          details,
        }),
      );
    return session;
  }
}
