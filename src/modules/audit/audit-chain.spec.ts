import { describe, expect, it } from 'vitest';
import { CANONICAL_NAMES, canonicalEvent, canonicalJson, canonicalOfColumns, chainHash, linkHash, type ChainedFields } from './audit-chain.js';
import { createHash } from 'node:crypto';

const event: ChainedFields = {
  id: '6f1c2b1e-9a0f-4c57-8d43-2f0e4f5b9a10',
  ts: new Date('2026-11-30T23:59:59.007Z'),
  teamId: null,
  teamSlug: 'acme',
  actorType: 'user',
  actorId: 'u1',
  actorEmail: 'a"b\\c@example.com',
  actorPrefix: null,
  authMethod: 'session',
  action: 'secret.update',
  targetType: 'secret',
  targetId: 'line\nbreak\u0001\u2028é😀',
  outcome: 'denied',
  status: 403,
  ip: null,
  userAgent: 'ua/1',
  requestId: 'req_1',
  details: { route: '/x', method: 'PUT', nested: { z: [1, 2.5, null, 'ü'], a: true } },
};

/** The definition: canonical JSON of the event's snake_case object. */
const reference = (e: ChainedFields) =>
  canonicalJson({
    id: e.id,
    ts: e.ts.toISOString(),
    team_id: e.teamId,
    team_slug: e.teamSlug,
    actor_type: e.actorType,
    actor_id: e.actorId,
    actor_email: e.actorEmail,
    actor_prefix: e.actorPrefix,
    auth_method: e.authMethod,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    outcome: e.outcome,
    status: e.status,
    ip: e.ip,
    user_agent: e.userAgent,
    request_id: e.requestId,
    details: e.details ?? {},
  });

describe('audit chain canonical form', () => {
  it('canonicalEvent is the canonical JSON of the event, escapes and nested keys included', () => {
    expect(canonicalEvent(event)).toBe(reference(event));
    expect(canonicalEvent({ ...event, details: null })).toBe(reference({ ...event, details: {} }));
  });

  it('the columns read as text give the same canonical JSON and hash as the event', () => {
    // As PostgreSQL returns them: jsonb text with its own key order and spacing, integers as text.
    const text: Record<string, string | null> = {
      id: event.id,
      ts: '2026-11-30T23:59:59.007Z',
      team_id: null,
      team_slug: 'acme',
      actor_type: 'user',
      actor_id: 'u1',
      actor_email: event.actorEmail,
      actor_prefix: null,
      auth_method: 'session',
      action: 'secret.update',
      target_type: 'secret',
      target_id: event.targetId,
      outcome: 'denied',
      status: '403',
      ip: null,
      user_agent: 'ua/1',
      request_id: 'req_1',
      details: '{"route": "/x", "method": "PUT", "nested": {"a": true, "z": [1, 2.5, null, "ü"]}}',
    };
    const row = ['seq', ...CANONICAL_NAMES.map((c) => text[c])];
    expect(canonicalOfColumns(row, 1)).toBe(reference(event));
    const prev = 'f'.repeat(64);
    const expected = createHash('sha256').update(prev, 'utf8').update(reference(event), 'utf8').digest('hex');
    expect(linkHash(prev, canonicalOfColumns(row, 1))).toBe(expected);
    expect(chainHash(prev, event)).toBe(expected);
  });
});
