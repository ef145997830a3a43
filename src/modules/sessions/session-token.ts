import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie, type SerializeOptions } from 'cookie';
import type { MantisRequest } from '../../platform/http/request-context.js';

export const SESSION_COOKIE = 'mantis_session';
export const OIDC_STATE_COOKIE = 'mantis_oidc_state';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_IDLE_MS = 8 * 3600_000;
export const SESSION_ABSOLUTE_MS = 24 * 3600_000;
/** last_seen_at is written at most this often per session, not on every request. */
export const SESSION_TOUCH_MS = 60_000;

export const newToken = (): string => randomBytes(32).toString('base64url');
export const hashSessionToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Derived from the session token, so it needs no storage and dies with the session. */
export const csrfTokenFor = (token: string): string => createHmac('sha256', token).update('mantis-csrf').digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(req: MantisRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header === '') return undefined;
  const value = parseCookie(header)[name];
  return value ? value : undefined;
}

const serialize = (name: string, value: string, o: SerializeOptions) => stringifySetCookie({ name, value, ...o });

const isHttps = (req: MantisRequest) => req.protocol === 'https';

export function sessionCookie(req: MantisRequest, token: string): string {
  return serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: isHttps(req), path: '/', maxAge: SESSION_ABSOLUTE_MS / 1000 });
}

export function clearSessionCookie(req: MantisRequest): string {
  return serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: isHttps(req), path: '/', maxAge: 0 });
}

export function oidcStateCookie(req: MantisRequest, state: string, maxAgeS: number): string {
  return serialize(OIDC_STATE_COOKIE, state, { httpOnly: true, sameSite: 'lax', secure: isHttps(req), path: '/auth/oidc', maxAge: maxAgeS });
}
