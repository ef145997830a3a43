import { Injectable } from '@nestjs/common';
import { SCOPES, type Principal, type Scope } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import { membershipsOf } from '../api-keys/api-key-lookup.service.js';
import { SessionsRepository, type SessionRow } from './sessions.repository.js';
import {
  CSRF_HEADER,
  SESSION_ABSOLUTE_MS,
  SESSION_COOKIE,
  SESSION_IDLE_MS,
  SESSION_TOUCH_MS,
  csrfTokenFor,
  hashSessionToken,
  newToken,
  readCookie,
  safeEqual,
} from './session-token.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface ResolvedSession {
  id: string;
  token: string;
  principal: Principal;
}

/**
 * Console sessions as a credential. Every request re-reads the user's
 * memberships and the key the session came from, so a role change applies on
 * the next request and a revoked key or deleted user ends the session.
 */
@Injectable()
export class SessionLookup {
  constructor(private readonly repo: SessionsRepository) {}

  hasCookie(req: MantisRequest): boolean {
    return readCookie(req, SESSION_COOKIE) !== undefined;
  }

  /** The live session of the request's cookie, or null (no cookie, unknown, ended, expired, revoked). */
  async find(req: MantisRequest): Promise<ResolvedSession | null> {
    const token = readCookie(req, SESSION_COOKIE);
    if (!token) return null;
    const row = await this.repo.findByHash(hashSessionToken(token));
    const now = Date.now();
    if (!row || !isLive(row, now)) return null;
    if (now - row.lastSeenAt.getTime() > SESSION_TOUCH_MS) await this.repo.touch(row.id, new Date(now));
    return { id: row.id, token, principal: principalOf(row) };
  }

  /** A state-changing request made with the cookie must carry the session's CSRF token. */
  checkCsrf(req: MantisRequest, session: ResolvedSession): void {
    if (!STATE_CHANGING.has(req.method)) return;
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !safeEqual(sent, csrfTokenFor(session.token))) {
      throw new ApiError('csrf_failed', 'Requests made with the console session must send its X-CSRF-Token (from GET /auth/session)');
    }
  }

  async create(principal: Principal, req: MantisRequest): Promise<{ id: string; token: string }> {
    const token = newToken();
    const ua = req.headers['user-agent'];
    const { id } = await this.repo.insert(
      {
        tokenHash: hashSessionToken(token),
        userId: principal.userId,
        apiKeyId: principal.authMethod === 'oidc' ? null : (principal.keyId ?? null),
        authMethod: principal.authMethod === 'oidc' ? 'oidc' : 'api_key',
        expiresAt: new Date(Date.now() + SESSION_ABSOLUTE_MS),
        ip: req.ip ?? null,
        userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null,
      },
      new Date(Date.now() - SESSION_IDLE_MS),
    );
    return { id, token };
  }

  end(id: string): Promise<boolean> {
    return this.repo.end(id);
  }
}

function isLive(row: SessionRow, now: number): boolean {
  if (row.endedAt || row.expiresAt.getTime() <= now || now - row.lastSeenAt.getTime() > SESSION_IDLE_MS) return false;
  const key = row.apiKey;
  if (row.authMethod === 'api_key' && (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now))) return false;
  return true;
}

/** The same principal the credential behind the session would give, with the user's current roles. */
function principalOf(row: SessionRow): Principal {
  const key = row.authMethod === 'api_key' ? row.apiKey : null;
  const base = { kind: row.user.kind === 'service' ? ('service' as const) : ('user' as const), userId: row.user.id, email: row.user.email, sessionId: row.id };
  if (!key) return { ...base, admin: row.user.isAdmin, memberships: membershipsOf(row.user), scopes: [...SCOPES], authMethod: 'oidc' };
  return {
    ...base,
    // A key bound to a team acts only in that team, never with global rights.
    admin: row.user.isAdmin && key.teamId === null,
    memberships: membershipsOf(row.user, key.teamId),
    scopes: key.scopes as Scope[],
    authMethod: key.source === 'keys_file' ? 'tenant_token' : 'api_key',
    keyId: key.id,
    keyPrefix: key.prefix,
    // Keys made through a key's session may not outlive that key either.
    keyExpiresAt: key.expiresAt,
  };
}
