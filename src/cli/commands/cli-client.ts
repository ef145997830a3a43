import type { Command } from 'commander';
import * as oidc from 'openid-client';
import { loadConfig, type AppConfig } from '../../config/app-config.js';
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

/** The configuration; an invalid one fails the command with exit code 2 (cli-failure.ts). */
export function cliConfig(): AppConfig {
  return loadConfig();
}

/** The OIDC client configuration for the configured issuer (http allowed for a loopback issuer). */
export async function discoverIssuer(issuer: string, clientId: string, clientSecret?: string): Promise<oidc.Configuration> {
  const url = new URL(issuer);
  const insecure = url.protocol === 'http:';
  return oidc.discovery(
    url,
    clientId,
    clientSecret,
    clientSecret ? oidc.ClientSecretPost(clientSecret) : oidc.None(),
    insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
  );
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
      const why = (e as Error).cause ? String((e as Error & { cause: Error }).cause.message) : (e as Error).message;
      throw new CliError(`Cannot reach ${config.client.url}: ${why}; check MANTIS_URL and that the server (mantis start) is running`);
    }
  };
  const check = async (res: Response) => {
    if (res.ok) return res;
    throw new CliError(httpFailure(res.status, await res.text()));
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

/** What to do about an API error, by its code (README "CLI"). */
const HINTS: Record<string, string> = {
  missing_token: 'pass --api-key, set MANTIS_API_KEY, or run mantis login',
  invalid_token: 'pass a valid key with --api-key or MANTIS_API_KEY, or run mantis login again',
  insufficient_role: 'ask a team owner or an admin for that role',
  insufficient_scope: 'use a key that has that scope',
  team_required: 'name the team with --team',
  user_not_provisioned: 'ask an admin to create your user (mantis users create)',
  auth_not_configured: 'create the first admin with mantis init',
  rate_limited: 'wait a moment and retry',
};

/** One line from an error response: `code: message (field: why, …); what to do`. */
export function httpFailure(status: number, text: string): string {
  try {
    const err = (JSON.parse(text) as { error?: { code: string; message: string; details?: { fields?: { field: string; message: string }[] } } }).error;
    if (err) {
      const fields = (err.details?.fields ?? []).map((f) => `${f.field}: ${f.message}`).join(', ');
      const hint = HINTS[err.code];
      return `${err.code}: ${err.message}${fields ? ` (${fields})` : ''}${hint ? `; ${hint}` : ''}`;
    }
  } catch {
    // not JSON: the status line below
  }
  return `the server answered HTTP ${status}; check MANTIS_URL points at a Mantis server`;
}

/**
 * Runs a command body. Failures (a CliError with its exit code, or anything
 * else) reach the CLI's one handler, which prints them as one line.
 */
export function run<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return (...args: A) => fn(...args);
}
