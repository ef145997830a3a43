import { api } from './client';
import type { paths } from './schema';
import { send } from '../ui/forms';

export type ApiKey = paths['/api/v1/users/{email}/api-keys']['get']['responses'][200]['content']['application/json']['data'][number];
export type NewKey = paths['/api/v1/users/{email}/api-keys']['post']['responses'][201]['content']['application/json'];
export type KeyBody = paths['/api/v1/users/{email}/api-keys']['post']['requestBody']['content']['application/json'];
export type ServiceAccount = paths['/api/v1/teams/{team}/service-accounts']['get']['responses'][200]['content']['application/json']['data'][number];

export const SCOPES = ['run', 'status', 'result', 'logs'] as const;

/** Whose keys: one of the team's service accounts, or the signed-in user's own. */
export type KeyOwner = { kind: 'service'; name: string } | { kind: 'user'; email: string };

export const ownerId = (o: KeyOwner) => (o.kind === 'service' ? `service:${o.name}` : `user:${o.email}`);

export function listKeys(team: string, o: KeyOwner): Promise<{ data: ApiKey[] }> {
  if (o.kind === 'service') return send(api.GET('/api/v1/teams/{team}/service-accounts/{name}/api-keys', { params: { path: { team, name: o.name } } }));
  return send(api.GET('/api/v1/users/{email}/api-keys', { params: { path: { email: o.email } } }));
}

export function createKey(team: string, o: KeyOwner, body: KeyBody, idempotencyKey: string): Promise<NewKey> {
  const headers = { 'Idempotency-Key': idempotencyKey };
  if (o.kind === 'service')
    return send(api.POST('/api/v1/teams/{team}/service-accounts/{name}/api-keys', { params: { path: { team, name: o.name } }, body, headers }));
  return send(api.POST('/api/v1/users/{email}/api-keys', { params: { path: { email: o.email } }, body, headers }));
}

export function revokeKey(team: string, o: KeyOwner, key: string): Promise<unknown> {
  if (o.kind === 'service')
    return send(api.DELETE('/api/v1/teams/{team}/service-accounts/{name}/api-keys/{key}', { params: { path: { team, name: o.name, key } } }));
  return send(api.DELETE('/api/v1/users/{email}/api-keys/{name}', { params: { path: { email: o.email, name: key } } }));
}

export function rotateKey(team: string, o: KeyOwner, key: string, overlap: string): Promise<NewKey> {
  const body = overlap ? { overlap } : {};
  if (o.kind === 'service')
    return send(api.POST('/api/v1/teams/{team}/service-accounts/{name}/api-keys/{key}/rotate', { params: { path: { team, name: o.name, key } }, body }));
  return send(api.POST('/api/v1/users/{email}/api-keys/{name}/rotate', { params: { path: { email: o.email, name: key } }, body }));
}
