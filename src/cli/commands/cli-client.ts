import type { Command } from 'commander';
import * as oidc from 'openid-client';
import { ConfigError, loadConfig, type AppConfig } from '../../config/app-config.js';
import { readCredentials, writeCredentials, type CachedCredentials } from './cli-credentials.js';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface RemoteOptions {
  apiKey?: string;
  team?: string;
}

/** Adds the options every REST-backed command takes. */
export function remote(cmd: Command, opts: { team?: boolean } = {}): Command {
  cmd.option('--api-key <key>', 'API key (default: MANTIS_API_KEY, else the credentials cached by mantis login)');
  return opts.team === false ? cmd : cmd.option('--team <team>', 'team to act in (X-Mantis-Team)');
}

export function cliConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message, 2);
    throw e;
  }
}

/** The OIDC client configuration for the configured issuer (http allowed for a loopback issuer). */
export async function discoverIssuer(issuer: string, clientId: string, clientSecret?: string): Promise<oidc.Configuration> {
  const url = new URL(issuer);
  const insecure = url.protocol === 'http:';
  return oidc.discovery(url, clientId, clientSecret, clientSecret ? oidc.ClientSecretPost(clientSecret) : oidc.None(), insecure ? { execute: [oidc.allowInsecureRequests] } : undefined);
}

/** A cached access token, refreshed with its refresh token when it is about to expire. */
async function freshToken(creds: CachedCredentials): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  if (!creds.expires_at || creds.expires_at - 30 > now || !creds.refresh_token) return creds.access_token;
  const config = await discoverIssuer(creds.issuer, creds.client_id);
  const tokens = await oidc.refreshTokenGrant(config, creds.refresh_token, creds.audience ? { resource: creds.audience } : undefined);
  const next: CachedCredentials = {
    ...creds,
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token ?? creds.refresh_token,
    expires_at: tokens.expires_in ? now + tokens.expires_in : undefined,
  };
  writeCredentials(next);
  return next.access_token;
}

/** `--api-key`, else MANTIS_API_KEY, else the cached login (refreshed when due). */
async function authHeaders(config: AppConfig, opts: RemoteOptions): Promise<Record<string, string>> {
  const key = opts.apiKey ?? config.client.apiKey;
  if (key) return { 'x-mantis-token': key };
  const creds = readCredentials();
  if (creds) return { authorization: `Bearer ${await freshToken(creds)}` };
  throw new CliError('No credentials: pass --api-key, set MANTIS_API_KEY, or run mantis login');
}

export interface Client {
  request<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** The raw response, for streamed bodies. */
  raw(method: string, path: string): Promise<Response>;
}

export async function client(opts: RemoteOptions): Promise<Client> {
  const config = cliConfig();
  const headers = { ...(await authHeaders(config, opts)), ...(opts.team ? { 'x-mantis-team': opts.team } : {}) };
  const send = async (method: string, path: string, body?: unknown) => {
    try {
      return await fetch(`${config.client.url}${path}`, {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      throw new CliError(`Cannot reach ${config.client.url}: ${(e as Error).cause ? String((e as Error & { cause: Error }).cause.message) : (e as Error).message}`);
    }
  };
  const check = async (res: Response) => {
    if (res.ok) return res;
    const text = await res.text();
    let message = `HTTP ${res.status}`;
    try {
      const err = (JSON.parse(text) as { error?: { code: string; message: string; details?: { fields?: { field: string; message: string }[] } } }).error;
      if (err) {
        message = `${err.code}: ${err.message}`;
        for (const f of err.details?.fields ?? []) message += `\n  ${f.field}: ${f.message}`;
      }
    } catch {
      // not JSON: keep the status line
    }
    throw new CliError(message);
  };
  return {
    async request(method, path, body) {
      const res = await check(await send(method, path, body));
      if (res.status === 204) return undefined as never;
      return (await res.json()) as never;
    },
    async raw(method, path) {
      return check(await send(method, path));
    },
  };
}

export const enc = encodeURIComponent;

/** Runs a command body; a CliError prints `mantis: message` and exits with its code. */
export function run<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      process.stderr.write(`mantis: ${e.message}\n`);
      process.exit(e.exitCode);
    }
  };
}
