import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import Provider from 'oidc-provider';

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
  publicPem: string;
}

async function makeKey(alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `k-${randomBytes(6).toString('hex')}`;
  const base = { kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), ...base },
    privateJwk: { ...(await exportJWK(privateKey)), ...base },
    publicPem: await exportSPKI(publicKey),
  };
}

export interface TestAccount {
  email: string;
  email_verified?: unknown;
  name?: string;
}

export interface MintOptions {
  /** Signing algorithm: default the current key's (RS256). */
  alg?: string;
  /** `kid` header (default the current key's); `null` leaves it out. */
  kid?: string | null;
  /** Sign with this key instead of the issuer's current one (HMAC secrets as Uint8Array). */
  key?: CryptoKey | Uint8Array;
  /** Extra protected-header fields (e.g. `jku`, `jwk`, `x5u`). */
  header?: Record<string, unknown>;
}

export interface TestIssuer {
  /** Issuer URL, e.g. http://127.0.0.1:PORT (discovery at /.well-known/openid-configuration). */
  issuer: string;
  /** The `aud` of the issuer's access tokens; use as MANTIS_AUTH_OIDC_AUDIENCE. */
  audience: string;
  clientId: string;
  clientSecret: string;
  /** A public client for auth code + PKCE and device flow (redirects http://127.0.0.1/callback and /auth/oidc/callback, any port). */
  publicClientId: string;
  /** Accounts known to the issuer's login (by account id = email). */
  accounts: Map<string, TestAccount>;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  /** The current signing key's public key as PEM (for HS256-with-public-key attacks). */
  publicKeyPem(): string;
  /** A JWT access token issued by the real provider (client credentials grant) carrying the email claims. */
  issueToken(email: string, opts?: { emailVerified?: unknown }): Promise<string>;
  /**
   * A JWT built by the test and signed with the issuer's current key (or
   * `opts.key`): iss, aud, iat, exp (+5 min), sub and email_verified true by
   * default; a claim set to `undefined` is left out.
   */
  mint(claims: Record<string, unknown>, opts?: MintOptions): Promise<string>;
  /** An unsigned `alg: none` token with the default claims. */
  mintUnsigned(claims: Record<string, unknown>): string;
  /**
   * Plays the user's browser against the issuer's built-in login: follows
   * `url` (an authorization URL, or a device `verification_uri_complete`),
   * signs in as `email` (an account passed to startOidcIssuer), consents,
   * and returns the final URL (the client's redirect with `code`, or the
   * device success page).
   */
  signIn(url: string, email: string): Promise<string>;
  /** A new key pair, not yet in the JWKS: `publish` adds it and makes it current. */
  newKey(alg?: 'RS256' | 'ES256'): Promise<SigningKey>;
  publish(key: SigningKey): void;
  close(): Promise<void>;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * A real OpenID Provider (`oidc-provider`) on 127.0.0.1 for tests: discovery,
 * JWKS, client credentials with JWT access tokens (audience `audience`),
 * auth code + PKCE and the device flow for a public client. The JWKS endpoint
 * is served from the test's own key list so a test can rotate keys and count
 * fetches.
 */
export async function startOidcIssuer(opts: { audience?: string; accounts?: TestAccount[] } = {}): Promise<TestIssuer> {
  const audience = opts.audience ?? 'https://api.mantis.test';
  const clientId = 'mantis-test';
  const clientSecret = randomBytes(16).toString('hex');
  const publicClientId = 'mantis-cli';
  const accounts = new Map((opts.accounts ?? []).map((a) => [a.email, a]));
  const keys: SigningKey[] = [await makeKey()];
  let current = keys[0];
  let fetches = 0;

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/jwks') {
      fetches++;
      res.setHeader('content-type', 'application/jwk-set+json');
      res.end(JSON.stringify({ keys: keys.map((k) => k.publicJwk) }));
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const provider = new Provider(issuer, {
    clients: [
      { client_id: clientId, client_secret: clientSecret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] },
      {
        client_id: publicClientId,
        token_endpoint_auth_method: 'none',
        // A native app (RFC 8252): the loopback redirect may use any port, as the CLI's login does.
        application_type: 'native',
        grant_types: ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        // The console's callback too: a web sign-in against a loopback Mantis on any port.
        redirect_uris: ['http://127.0.0.1/callback', 'http://127.0.0.1/auth/oidc/callback'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [keys[0].privateJwk] },
    // The email claims go into the ID token itself (as Google, Okta and Entra do), which the console's sign-in reads.
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    findAccount: async (_ctx: unknown, id: string) => {
      const a = accounts.get(id);
      if (!a) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email: a.email, email_verified: a.email_verified ?? true, name: a.name ?? id }) };
    },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'openid email profile',
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    extraTokenClaims: async (ctx: any, token: any) => {
      if (token.kind === 'ClientCredentials') {
        // The token request's own `email` (and optional `email_verified`) become claims.
        const body = (ctx.oidc.body ?? {}) as Record<string, string | undefined>;
        const email = body.email;
        if (!email) return undefined;
        const verified = body.email_verified;
        return { email, email_verified: verified === undefined ? true : JSON.parse(verified) };
      }
      if (token.accountId) {
        const a = accounts.get(token.accountId);
        return a ? { email: a.email, email_verified: a.email_verified ?? true } : undefined;
      }
      return undefined;
    },
    ttl: { AccessToken: 600, ClientCredentials: 600, IdToken: 600, DeviceCode: 600, Grant: 600, Interaction: 600, Session: 600 },
  } as any);
  provider.proxy = false;
  const callback = provider.callback();
  handler = (req, res) => void callback(req, res);

  function defaults(claims: Record<string, unknown>): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    const all: Record<string, unknown> = { iss: issuer, aud: audience, iat: now, exp: now + 300, sub: randomUUID(), email_verified: true, ...claims };
    for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
    return all;
  }

  return {
    issuer,
    audience,
    clientId,
    clientSecret,
    publicClientId,
    accounts,
    jwksFetches: () => fetches,
    publicKeyPem: () => current.publicPem,
    async issueToken(email, o = {}) {
      const body = new URLSearchParams({ grant_type: 'client_credentials', resource: audience, scope: 'openid email', email });
      if (o.emailVerified !== undefined) body.set('email_verified', JSON.stringify(o.emailVerified));
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body,
      });
      const json = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!json.access_token) throw new Error(`token endpoint: ${json.error}: ${json.error_description}`);
      return json.access_token;
    },
    async mint(claims, o = {}) {
      const header: Record<string, unknown> = { alg: o.alg ?? current.alg, typ: 'JWT', ...o.header };
      if (o.kid !== null) header.kid = o.kid ?? current.kid;
      return new SignJWT(defaults(claims)).setProtectedHeader(header as any).sign(o.key ?? current.privateKey);
    },
    mintUnsigned(claims) {
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(defaults(claims))}.`;
    },
    signIn: (url, email) => browse(issuer, url, email),
    newKey: (alg) => makeKey(alg),
    publish(key) {
      keys.push(key);
      current = key;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const HIDDEN_INPUT = /<input[^>]*type="hidden"[^>]*>/g;
const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1];

/** A tiny cookie-keeping browser for the provider's development login and consent pages. */
async function browse(issuer: string, start: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = new URL(start);
  let init: { method: string; body?: URLSearchParams } = { method: 'GET' };
  for (let step = 0; step < 20; step++) {
    if (url.origin !== issuer) return url.toString();
    const res = await fetch(url, {
      method: init.method,
      body: init.body,
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url);
      init = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`issuer answered ${res.status} at ${url.pathname}: ${html.slice(0, 200)}`);
    if (url.pathname.startsWith('/interaction/')) {
      const login = html.includes('name="login"');
      init = { method: 'POST', body: new URLSearchParams(login ? { prompt: 'login', login: email, password: 'test' } : { prompt: 'consent' }) };
      continue;
    }
    const form = /<form[^>]*id="op.deviceConfirmForm"[^>]*>|<form[^>]*action="[^"]*device[^"]*"[^>]*>/.exec(html)?.[0];
    if (!form) return url.toString(); // a final page (e.g. device flow success)
    const body = new URLSearchParams();
    for (const input of html.match(HIDDEN_INPUT) ?? []) body.set(attr(input, 'name') ?? '', attr(input, 'value') ?? '');
    body.delete('abort');
    url = new URL(attr(form, 'action') ?? url.pathname, url);
    init = { method: 'POST', body };
  }
  throw new Error('sign-in did not finish in 20 steps');
}
