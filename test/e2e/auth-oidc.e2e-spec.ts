import { createSecretKey } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type UserFixture } from '../support/factories.js';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer.js';

describe('OIDC JWTs (real issuer on 127.0.0.1)', () => {
  let t: TestApp;
  let idp: TestIssuer;
  let user: UserFixture;
  let teamSlug: string;
  beforeAll(async () => {
    idp = await startOidcIssuer();
    t = await buildTestApp({
      env: {
        MANTIS_AUTH_OIDC_ISSUER_URL: idp.issuer,
        MANTIS_AUTH_OIDC_CLIENT_ID: idp.clientId,
        MANTIS_AUTH_OIDC_AUDIENCE: idp.audience,
        MANTIS_AUTH_OIDC_ALLOWED_DOMAINS: 'example.com,corp.example.org',
      },
    });
    const team = await createTeam(t.prisma);
    teamSlug = team.slug;
    user = await createUser(t.prisma, { team, role: 'viewer' });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  const me = (jwt: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${jwt}`, ...headers } });

  async function expectInvalid(jwt: string) {
    const res = await me(jwt);
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'invalid_token', message: 'The token is invalid, expired or revoked' });
  }

  it('accepts an access token issued by the real issuer for a provisioned user', async () => {
    const res = await me(await idp.issueToken(user.email));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      kind: 'user',
      email: user.email,
      admin: false,
      teams: [{ team: teamSlug, role: 'viewer' }],
      scopes: ['run', 'status', 'result', 'logs'],
      auth_method: 'oidc',
    });
  });

  it('matches the email case-insensitively and accepts every allowed domain', async () => {
    const team = await createTeam(t.prisma);
    const corp = await createUser(t.prisma, { team, email: `Ann.${Date.now()}@corp.example.org` });
    expect((await me(await idp.mint({ email: corp.email.toUpperCase() }))).statusCode).toBe(200);
  });

  it('refuses a valid JWT for an email with no user: 403 user_not_provisioned, nothing created', async () => {
    const email = `nobody-${Date.now()}@example.com`;
    const res = await me(await idp.issueToken(email));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('user_not_provisioned');
    expect(await t.prisma.user.findUnique({ where: { email } })).toBeNull();
  });

  describe('attack and edge tokens all get 401 invalid_token', () => {
    it('alg none', async () => {
      await expectInvalid(idp.mintUnsigned({ email: user.email }));
    });

    it('HS256 signed with the issuer RSA public key as the secret', async () => {
      const secret = new Uint8Array(createSecretKey(Buffer.from(idp.publicKeyPem())).export());
      await expectInvalid(await idp.mint({ email: user.email }, { alg: 'HS256', key: secret }));
    });

    it('a key the test made itself, embedded as jwk / pointed to by jku and x5u', async () => {
      const rogue = await idp.newKey();
      const header = { jwk: rogue.publicJwk, jku: `${idp.issuer}/rogue-jwks`, x5u: `${idp.issuer}/rogue.pem` };
      await expectInvalid(await idp.mint({ email: user.email }, { key: rogue.privateKey, kid: rogue.kid, header }));
      await expectInvalid(await idp.mint({ email: user.email }, { key: rogue.privateKey, kid: null, header }));
    });

    it('wrong iss, wrong aud, missing aud, missing exp', async () => {
      await expectInvalid(await idp.mint({ email: user.email, iss: 'http://127.0.0.1:1/evil' }));
      await expectInvalid(await idp.mint({ email: user.email, aud: 'https://other.example' }));
      await expectInvalid(await idp.mint({ email: user.email, aud: undefined }));
      await expectInvalid(await idp.mint({ email: user.email, exp: undefined }));
    });

    it('expired beyond the clock skew, and nbf in the future', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectInvalid(await idp.mint({ email: user.email, iat: now - 3600, exp: now - 120 }));
      await expectInvalid(await idp.mint({ email: user.email, nbf: now + 600 }));
    });

    it('email_verified false, missing, or the string "true" (also from the real issuer)', async () => {
      await expectInvalid(await idp.mint({ email: user.email, email_verified: false }));
      await expectInvalid(await idp.mint({ email: user.email, email_verified: undefined }));
      await expectInvalid(await idp.mint({ email: user.email, email_verified: 'true' }));
      await expectInvalid(await idp.issueToken(user.email, { emailVerified: false }));
      await expectInvalid(await idp.issueToken(user.email, { emailVerified: 'true' }));
    });

    it('an email domain outside the list, look-alikes included, even when such a user exists', async () => {
      for (const email of [`a-${Date.now()}@example.com.evil.io`, `b-${Date.now()}@evilexample.com`, `c-${Date.now()}@sub.example.com`]) {
        await createUser(t.prisma, { email });
        await expectInvalid(await idp.mint({ email }));
      }
      await expectInvalid(await idp.mint({ email: `${user.email}@evil.io` }));
      await expectInvalid(await idp.mint({ email: undefined }));
    });

    it('garbage that is not a JWT', async () => {
      await expectInvalid('not.a.jwt');
      await expectInvalid('eyJhbGciOiJSUzI1NiJ9');
    });
  });

  it('an unknown kid refetches the JWKS at most once a minute, then accepts the rotated key', async () => {
    expect((await me(await idp.mint({ email: user.email }))).statusCode).toBe(200);
    const before = idp.jwksFetches();
    const next = await idp.newKey('ES256');
    const token = await idp.mint({ email: user.email, exp: Math.floor(Date.now() / 1000) + 3600 }, { key: next.privateKey, kid: next.kid, alg: 'ES256' });

    await expectInvalid(token); // kid not published yet
    idp.publish(next);
    await expectInvalid(token); // published, but the last fetch was under a minute ago
    for (let i = 0; i < 5; i++) await expectInvalid(await idp.mint({ email: user.email }, { key: next.privateKey, kid: `unknown-${i}`, alg: 'ES256' }));
    expect(idp.jwksFetches() - before).toBeLessThanOrEqual(1);

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    const res = await me(token);
    expect(res.statusCode, res.body).toBe(200);
    expect(idp.jwksFetches() - before).toBeLessThanOrEqual(2);
  });

  it('X-Mantis-Token wins over Authorization: Bearer, and an Api-Key scheme is ignored', async () => {
    const jwt = await idp.issueToken(user.email);
    const viaHeader = await me(jwt, { 'x-mantis-token': user.key });
    expect(viaHeader.json().auth_method).toBe('api_key');
    const badHeader = await me(jwt, { 'x-mantis-token': 'mk_wrong' });
    expect(badHeader.statusCode).toBe(401);
    const ignored = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Api-Key ${user.key}` } });
    expect(ignored.json().error.code).toBe('missing_token');
  });

  it('never logs a JWT', async () => {
    const jwt = await idp.issueToken(user.email);
    await me(jwt);
    await me(`${jwt}x`);
    const signature = jwt.split('.')[2];
    expect(t.logs.text()).not.toContain(signature);
  });
});

describe('OIDC sign-in flows of the test issuer (used by mantis login)', () => {
  let t: TestApp;
  let idp: TestIssuer;
  let user: UserFixture;
  beforeAll(async () => {
    idp = await startOidcIssuer();
    t = await buildTestApp({
      env: { MANTIS_AUTH_OIDC_ISSUER_URL: idp.issuer, MANTIS_AUTH_OIDC_CLIENT_ID: idp.publicClientId, MANTIS_AUTH_OIDC_AUDIENCE: idp.audience },
    });
    user = await createUser(t.prisma, { team: await createTeam(t.prisma), role: 'operator' });
    idp.accounts.set(user.email, { email: user.email });
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  const me = (jwt: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${jwt}` } });

  it('authorization code + PKCE: the access token it yields is accepted', async () => {
    const oidc = await import('openid-client');
    const config = await oidc.discovery(new URL(idp.issuer), idp.publicClientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1/callback',
      scope: 'openid email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      resource: idp.audience,
    });
    const back = await idp.signIn(url.toString(), user.email);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back), { pkceCodeVerifier: verifier }, { resource: idp.audience });
    const res = await me(tokens.access_token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ email: user.email, auth_method: 'oidc' });
  });

  it('device flow: the access token it yields is accepted', async () => {
    const oidc = await import('openid-client');
    const config = await oidc.discovery(new URL(idp.issuer), idp.publicClientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid email', resource: idp.audience });
    await idp.signIn(device.verification_uri_complete!, user.email);
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, device);
    expect((await me(tokens.access_token)).json()).toMatchObject({ email: user.email, auth_method: 'oidc' });
  });
});
