import { API_KEY_PATTERN, keyPrefix } from '../../platform/auth/api-key-format.js';
import type { MantisRequest } from '../../platform/http/request-context.js';
import type { AuditActor } from './audit.types.js';

/** Who made the request, as the audit log names them: never the credential itself. */
export function actorOf(req: MantisRequest): { actor: AuditActor; authMethod: string | null } {
  const p = req.principal;
  if (p) {
    const type = p.authMethod === 'oidc' ? 'user' : p.authMethod === 'api_key' ? 'api_key' : 'tenant_token';
    const prefix = p.keyPrefix?.startsWith('mk_') ? p.keyPrefix : null;
    return { actor: { type, id: p.userId, email: p.email, prefix }, authMethod: p.authMethod };
  }
  // Refused before a principal existed: name the kind of credential, and an mk_ key's public prefix only.
  const header = req.headers['x-mantis-token'];
  const auth = req.headers.authorization;
  const bearer = typeof auth === 'string' && /^bearer\s+/i.test(auth) ? auth.replace(/^bearer\s+/i, '').trim() : undefined;
  const token = typeof header === 'string' && header !== '' ? header : bearer;
  if (token && API_KEY_PATTERN.test(token)) return { actor: { type: 'api_key', id: null, email: null, prefix: keyPrefix(token) }, authMethod: 'api_key' };
  if (token && token.startsWith('mk_')) return { actor: { type: 'api_key', id: null, email: null, prefix: null }, authMethod: 'api_key' };
  if (typeof header === 'string' && header !== '') return { actor: { type: 'tenant_token', id: null, email: null, prefix: null }, authMethod: 'tenant_token' };
  if (bearer) return { actor: { type: 'user', id: null, email: null, prefix: null }, authMethod: 'oidc' };
  return { actor: { type: 'user', id: null, email: null, prefix: null }, authMethod: null };
}

export function requestMeta(req: MantisRequest): { ip: string | null; userAgent: string | null; requestId: string | null } {
  const ua = req.headers['user-agent'];
  return {
    ip: req.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null,
    requestId: req.id ? String(req.id) : null,
  };
}

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
