import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import * as oidc from 'openid-client';
import { CliError, cliConfig, discoverIssuer, run } from './cli-client.js';
import { credentialsPath, readCredentials, removeCredentials, writeCredentials } from './cli-credentials.js';

const SCOPE = 'openid email profile offline_access';
const LOGIN_TIMEOUT_MS = 5 * 60_000;

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no browser here: the printed URL is enough
    child.unref();
  } catch {
    // same: the URL is printed
  }
}

/** Authorization code + PKCE with a loopback redirect (RFC 8252): the browser comes back to 127.0.0.1. */
async function authCode(
  config: oidc.Configuration,
  resource: string,
  browser: boolean,
): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  let done!: (url: URL) => void;
  const arrived = new Promise<URL>((r) => (done = r));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>Mantis: you are logged in. You can close this tab.</p>');
    done(url);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const redirect = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirect,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      resource,
      prompt: 'consent',
    });
    process.stdout.write(`Open this URL in a browser to log in:\n  ${url.href}\n`);
    if (browser) openBrowser(url.href);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new CliError('login timed out; run mantis login again (or mantis login --device)')), LOGIN_TIMEOUT_MS)),
    );
    const back = await Promise.race([arrived, timeout]).finally(() => clearTimeout(timer));
    return await oidc.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state }, { resource });
  } finally {
    server.close();
  }
}

/** OAuth device authorization grant: a code to enter on another device. */
async function device(config: oidc.Configuration, resource: string) {
  const auth = await oidc.initiateDeviceAuthorization(config, { scope: SCOPE, resource });
  process.stdout.write(`To log in, open ${auth.verification_uri} and enter the code ${auth.user_code}\n`);
  if (auth.verification_uri_complete) process.stdout.write(`  or open ${auth.verification_uri_complete}\n`);
  return oidc.pollDeviceAuthorizationGrant(config, auth, { resource });
}

export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description('log in with the configured OIDC issuer and cache the tokens in ~/.mantis/credentials')
    .option('--device', 'use the device flow (a code to enter in a browser elsewhere)')
    .option('--no-browser', 'print the login URL without opening a browser')
    .action(
      run(async (o: { device?: boolean; browser: boolean }) => {
        const cfg = cliConfig();
        if (!cfg.oidc?.clientId)
          throw new CliError('login needs OIDC: set MANTIS_AUTH_OIDC_ISSUER_URL and MANTIS_AUTH_OIDC_CLIENT_ID (environment or mantis.yaml)', 2);
        let config: oidc.Configuration;
        try {
          config = await discoverIssuer(cfg.oidc.issuerUrl, cfg.oidc.clientId, cfg.oidc.clientSecret);
        } catch (e) {
          throw new CliError(`Cannot reach the OIDC issuer ${cfg.oidc.issuerUrl}: ${(e as Error).message}; check MANTIS_AUTH_OIDC_ISSUER_URL and the network`);
        }
        const tokens = o.device ? await device(config, cfg.oidc.audience) : await authCode(config, cfg.oidc.audience, o.browser);
        const email = tokens.claims()?.email as string | undefined;
        writeCredentials({
          issuer: cfg.oidc.issuerUrl,
          client_id: cfg.oidc.clientId,
          audience: cfg.oidc.audience,
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token,
          expires_at: tokens.expires_in ? Math.floor(Date.now() / 1000) + tokens.expires_in : undefined,
          email,
        });
        process.stdout.write(`Logged in${email ? ` as ${email}` : ''}. Credentials saved to ${credentialsPath()}.\n`);
      }),
    );

  program
    .command('logout')
    .description('forget the cached login (and revoke its refresh token at the issuer)')
    .action(
      run(async () => {
        const creds = readCredentials();
        if (creds?.refresh_token) {
          try {
            const config = await discoverIssuer(creds.issuer, creds.client_id);
            await oidc.tokenRevocation(config, creds.refresh_token, { token_type_hint: 'refresh_token' });
          } catch {
            // the issuer may be gone or not support revocation; the local copy goes regardless
          }
        }
        process.stdout.write(removeCredentials() ? 'Logged out.\n' : 'Not logged in.\n');
      }),
    );
}
