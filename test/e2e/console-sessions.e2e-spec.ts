import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIR } from '../../src/platform/http/console-static.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { committedConsoleApiTypes, renderConsoleApiTypes, writeConsoleApiTypes } from '../support/console-api.js';
import { createTeam, createUser, type TeamFixture } from '../support/factories.js';
import { describeProtectedRoute } from '../support/protected-route.js';
import { startOidcIssuer, type TestIssuer } from '../support/oidc-issuer.js';

/** The cookie's value from a Set-Cookie list, with its attributes. */
function sessionCookie(setCookie: string | string[] | undefined): { value: string; attrs: string } {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const line = list.find((c) => c.startsWith('mantis_session='));
  if (!line) throw new Error(`no mantis_session cookie in ${JSON.stringify(list)}`);
  const [pair, ...attrs] = line.split(';');
  return { value: pair.slice('mantis_session='.length), attrs: attrs.map((a) => a.trim()).join('; ') };
}

describe('Console sessions', () => {
  let t: TestApp;
  let idp: TestIssuer;
  let team: TeamFixture;
  const publicUrl = 'http://127.0.0.1:45999';

  beforeAll(async () => {
    idp = await startOidcIssuer({
      accounts: [{ email: 'sso-user@example.com' }, { email: 'nobody@example.com' }, { email: 'unverified@example.com', email_verified: false }],
    });
    t = await buildTestApp({
      env: {
        MANTIS_AUTH_OIDC_ISSUER_URL: idp.issuer,
        MANTIS_AUTH_OIDC_CLIENT_ID: idp.publicClientId,
        MANTIS_AUTH_OIDC_AUDIENCE: idp.audience,
        MANTIS_PUBLIC_URL: publicUrl,
        // The requests come from 127.0.0.1 as if through a reverse proxy: only a trusted proxy's X-Forwarded-Proto counts.
        MANTIS_TRUSTED_PROXIES: '127.0.0.1',
      },
    });
    team = await createTeam(t.prisma);
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  async function signIn(key: string) {
    const res = await t.app.inject({ method: 'POST', url: '/auth/session', payload: { api_key: key }, headers: { 'user-agent': 'console-test' } });
    expect(res.statusCode, res.body).toBe(201);
    return { ...sessionCookie(res.headers['set-cookie']), csrf: res.json().csrf_token as string, body: res.json() };
  }

  it('signs in with an API key: HttpOnly, SameSite=Lax, Path=/ cookie; Secure over https; the session acts as the key', async () => {
    const user = await createUser(t.prisma, { team, role: 'operator' });
    const s = await signIn(user.key);
    expect(s.attrs).toMatch(/HttpOnly/);
    expect(s.attrs).toMatch(/SameSite=Lax/i);
    expect(s.attrs).toMatch(/Path=\//);
    expect(s.attrs).not.toMatch(/Secure/);
    expect(s.body.principal).toMatchObject({ email: user.email, teams: [{ team: team.slug, role: 'operator' }], auth_method: 'api_key' });
    // Only the hash is stored.
    const rows = await t.prisma.session.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).not.toContain(s.value);
    expect(JSON.stringify(rows)).not.toContain(s.value);

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `mantis_session=${s.value}` } });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json().email).toBe(user.email);
    const current = await t.app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: `mantis_session=${s.value}` } });
    expect(current.json()).toEqual({ csrf_token: s.csrf, principal: s.body.principal });

    const https = await t.app.inject({ method: 'POST', url: '/auth/session', payload: { api_key: user.key }, headers: { 'x-forwarded-proto': 'https' } });
    expect(sessionCookie(https.headers['set-cookie']).attrs).toMatch(/Secure/);
  });

  it('refuses a bad key, and a state-changing cookie request without the CSRF token (403 csrf_failed); keys are unaffected', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/auth/session', payload: { api_key: 'mk_' + '0'.repeat(64) } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('invalid_token');
    expect(bad.headers['set-cookie']).toBeUndefined();

    const user = await createUser(t.prisma, { team, role: 'team_owner' });
    const s = await signIn(user.key);
    const put = (headers: Record<string, string>) =>
      t.app.inject({ method: 'PUT', url: `/api/v1/teams/${team.slug}/secrets/csrf_probe`, payload: { value: 'v' }, headers });
    for (const headers of [{ cookie: `mantis_session=${s.value}` }, { cookie: `mantis_session=${s.value}`, 'x-csrf-token': 'forged' }] as Record<
      string,
      string
    >[]) {
      const res = await put(headers);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('csrf_failed');
    }
    expect(await t.prisma.secret.count({ where: { teamId: team.id, name: 'csrf_probe' } })).toBe(0);
    expect((await put({ cookie: `mantis_session=${s.value}`, 'x-csrf-token': s.csrf })).statusCode).toBeLessThan(300);
    // An API key needs no CSRF token, even with a stale cookie alongside.
    expect((await put({ 'x-mantis-token': user.key, cookie: 'mantis_session=stale' })).statusCode).toBeLessThan(300);
  });

  it('logout ends the session and is audited; session.create is audited too', async () => {
    const user = await createUser(t.prisma, { team, role: 'viewer' });
    const s = await signIn(user.key);
    const noCsrf = await t.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie: `mantis_session=${s.value}` } });
    expect(noCsrf.json().error.code).toBe('csrf_failed');
    const out = await t.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie: `mantis_session=${s.value}`, 'x-csrf-token': s.csrf } });
    expect(out.statusCode, out.body).toBe(204);
    expect(out.headers['set-cookie']).toMatch(/mantis_session=;.*Max-Age=0/);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `mantis_session=${s.value}` } });
    expect(after.statusCode).toBe(401);
    const events = await t.prisma.auditEvent.findMany({ where: { actorId: user.id, action: { startsWith: 'session.' } }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['session.create', 'success'],
      ['session.end', 'denied'],
      ['session.end', 'success'],
    ]);
    const text = JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(text).not.toContain(s.value);
    expect(text).not.toContain(user.key);
  });

  it("acts with the user's current role; ends when the key is revoked, the user deleted, or the session idles 8 h or lives 24 h", async () => {
    const who = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `mantis_session=${cookie}` } });
    const user = await createUser(t.prisma, { team, role: 'viewer' });
    const s = await signIn(user.key);
    await t.prisma.membership.update({ where: { userId_teamId: { userId: user.id, teamId: team.id } }, data: { role: 'auditor' } });
    expect((await who(s.value)).json().teams).toEqual([{ team: team.slug, role: 'auditor' }]);
    await t.prisma.apiKey.update({ where: { id: user.keyId }, data: { revokedAt: new Date() } });
    expect((await who(s.value)).statusCode).toBe(401);

    const idle = await signIn((await createUser(t.prisma, { team })).key);
    const idleRow = (await t.prisma.session.findMany({ orderBy: { createdAt: 'desc' }, take: 1 }))[0];
    await t.prisma.session.update({ where: { id: idleRow.id }, data: { lastSeenAt: new Date(Date.now() - 8 * 3600_000 - 1000) } });
    expect((await who(idle.value)).statusCode).toBe(401);

    const old = await signIn((await createUser(t.prisma, { team })).key);
    const oldRow = (await t.prisma.session.findMany({ orderBy: { createdAt: 'desc' }, take: 1 }))[0];
    await t.prisma.session.update({ where: { id: oldRow.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await who(old.value)).statusCode).toBe(401);

    const gone = await createUser(t.prisma, { team });
    const g = await signIn(gone.key);
    expect((await who(g.value)).statusCode).toBe(200);
    await t.prisma.user.delete({ where: { id: gone.id } });
    expect((await who(g.value)).statusCode).toBe(401);
  });

  async function sso(email: string, returnTo = '/console/teams/x/runs?status=running') {
    const start = await t.app.inject({ method: 'GET', url: `/auth/oidc/login?return_to=${encodeURIComponent(returnTo)}` });
    expect(start.statusCode, start.body).toBe(302);
    const auth = new URL(start.headers.location as string);
    expect(auth.origin).toBe(idp.issuer);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('nonce')).toBeTruthy();
    expect(auth.searchParams.get('redirect_uri')).toBe(`${publicUrl}/auth/oidc/callback`);
    const stateCookie = (start.headers['set-cookie'] as string).split(';')[0];
    const back = new URL(await idp.signIn(auth.href, email));
    expect(back.origin).toBe(publicUrl);
    return t.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { cookie: stateCookie } });
  }

  it('SSO: a provisioned user gets a session and goes back to return_to; others are sent to the sign-in page with the reason', async () => {
    await createUser(t.prisma, { team, role: 'operator', email: 'sso-user@example.com' });
    const ok = await sso('sso-user@example.com');
    expect(ok.statusCode, ok.body).toBe(302);
    expect(ok.headers.location).toBe('/console/teams/x/runs?status=running');
    const s = sessionCookie(ok.headers['set-cookie']);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `mantis_session=${s.value}` } });
    expect(me.json()).toMatchObject({ email: 'sso-user@example.com', auth_method: 'oidc', teams: [{ team: team.slug, role: 'operator' }] });

    const nobody = await sso('nobody@example.com');
    expect(nobody.headers.location).toBe('/console/login?error=user_not_provisioned');
    expect(JSON.stringify(nobody.headers['set-cookie'])).not.toMatch(/mantis_session=[^;]/);
    const unverified = await sso('unverified@example.com');
    expect(unverified.headers.location).toBe('/console/login?error=email_not_verified');
    const denied = await t.prisma.auditEvent.findMany({ where: { action: 'session.create', outcome: 'denied' } });
    expect(denied.map((e) => (e.details as { reason: string }).reason).sort()).toEqual(['email_not_verified', 'user_not_provisioned']);
  });

  it('SSO refuses a foreign return_to, a replayed state and a state not bound to this browser', async () => {
    for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const res = await t.app.inject({ method: 'GET', url: `/auth/oidc/login?return_to=${encodeURIComponent(bad)}` });
      expect(res.statusCode, bad).toBe(400);
    }
    const start = await t.app.inject({ method: 'GET', url: '/auth/oidc/login' });
    const back = new URL(await idp.signIn(start.headers.location as string, 'sso-user@example.com'));
    const noCookie = await t.app.inject({ method: 'GET', url: `${back.pathname}${back.search}` });
    expect(noCookie.headers.location).toBe('/console/login?error=sso_expired');
    const cookie = (start.headers['set-cookie'] as string).split(';')[0];
    // The state was used up by the first (refused) attempt.
    const replay = await t.app.inject({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { cookie } });
    expect(replay.headers.location).toBe('/console/login?error=sso_expired');
  });

  it('the console client types match the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const text = await renderConsoleApiTypes(doc);
    if (process.env.UPDATE_CONSOLE_API === '1') writeConsoleApiTypes(text);
    expect(text === committedConsoleApiTypes(), 'src/console/src/api/schema.d.ts is stale: regenerate it (see its header)').toBe(true);
  });
});

describe('Console files', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("are built (npm run build) and the first page's JavaScript stays within 250 KB gzipped", () => {
    const index = join(CONSOLE_DIR, 'index.html');
    expect(existsSync(index), 'dist/console is missing: run `npm run build`').toBe(true);
    const html = readFileSync(index, 'utf8');
    // No inline script: the CSP would refuse it.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/console\/([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((n, f) => n + gzipSync(readFileSync(join(CONSOLE_DIR, f))).length, 0);
    expect(gzipped).toBeLessThanOrEqual(250 * 1024);
  });

  it('are served under /console with security headers, long-cached hashed assets and the history fallback', async () => {
    for (const url of ['/console', '/console/', '/console/login', `/console/teams/some-team/runs/run_${'a'.repeat(32)}`]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec((await t.app.inject({ method: 'GET', url: '/console/' })).body)![1];
    const js = await t.app.inject({ method: 'GET', url: asset });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await t.app.inject({ method: 'GET', url: '/console/assets/missing-123.js' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/console/assets/..%2f..%2fpackage.json' })).statusCode).toBe(404);
  });
});

describe('Run screenshots', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const PNG = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0e3b8a90000000049454e44ae426082',
    'hex',
  );

  describeProtectedRoute(() => t, {
    method: 'GET',
    url: ({ team, fixture }) => `/api/v1/teams/${team.slug}/runs/${fixture.runId as string}/screenshots/front%20page`,
    scope: 'result',
    role: 'viewer',
    allowedStatus: 200,
    setup: async (app, tm) => {
      const id = `run_${Math.random().toString(36).slice(2, 12)}`;
      await app.prisma.run.create({
        data: { id, teamId: tm.id, status: 'succeeded', plan: { steps: [] }, maxCost: 1, maxTimeMinutes: 1, maxSteps: 1, maxLoopIterations: 1 },
      });
      const rel = `runs/${id}/screenshots/front page.png`;
      mkdirSync(join(app.dataDir, 'tenants', tm.slug, 'runs', id, 'screenshots'), { recursive: true });
      writeFileSync(join(app.dataDir, 'tenants', tm.slug, rel), PNG);
      await app.prisma.artifact.create({
        data: { runId: id, teamId: tm.id, kind: 'screenshot', name: 'front page', path: rel, contentType: 'image/png', sizeBytes: PNG.length },
      });
      return { runId: id };
    },
  });

  it('serves the PNG by name, and 404 for a name the run did not save', async () => {
    const team = await createTeam(t.prisma);
    const user = await createUser(t.prisma, { team, role: 'viewer' });
    const id = `run_${Math.random().toString(36).slice(2, 12)}`;
    await t.prisma.run.create({
      data: { id, teamId: team.id, status: 'succeeded', plan: { steps: [] }, maxCost: 1, maxTimeMinutes: 1, maxSteps: 1, maxLoopIterations: 1 },
    });
    const rel = `runs/${id}/screenshots/a.png`;
    mkdirSync(join(t.dataDir, 'tenants', team.slug, 'runs', id, 'screenshots'), { recursive: true });
    writeFileSync(join(t.dataDir, 'tenants', team.slug, rel), PNG);
    await t.prisma.artifact.create({
      data: { runId: id, teamId: team.id, kind: 'screenshot', name: 'a', path: rel, contentType: 'image/png', sizeBytes: PNG.length },
    });
    const ok = await t.app.inject({ method: 'GET', url: `/v1/runs/${id}/screenshots/a`, headers: { 'x-mantis-token': user.key } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toBe('image/png');
    expect(ok.rawPayload.equals(PNG)).toBe(true);
    for (const name of ['b', '..%2f..%2fa', 'a.png']) {
      expect((await t.app.inject({ method: 'GET', url: `/v1/runs/${id}/screenshots/${name}`, headers: { 'x-mantis-token': user.key } })).statusCode, name).toBe(
        404,
      );
    }
  });
});
