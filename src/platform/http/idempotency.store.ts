import { Injectable } from '@nestjs/common';
import { PrismaService, type Tx } from '../database/prisma.service.js';
import type { Statement } from '../database/team-scope.js';

/** Whose key space a key lives in: a team, or a principal acting outside any team. */
export type IdempotencyScope = { teamId: string } | { principalId: string };

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type BeginResult = { kind: 'started'; recordId: string } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' } | { kind: 'in_flight' };

interface Row {
  id: string;
  request_hash: string;
  state: string;
  response_status: number | null;
  response_body: unknown;
  response_headers: Record<string, string> | null;
  taken_over: boolean;
}

const RETENTION = '24 hours';
/** A record left in flight by a process that died is taken over after this long. */
const IN_FLIGHT_LEASE = '60 seconds';

/**
 * Idempotency records in PostgreSQL, so every replica sees the same key.
 * The unique (team_id, key) / (principal_id, key) indexes make the first
 * insert win; everything else is decided from the row that won.
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims the key in a transaction of its own (outside the request's), so a
   * concurrent request with the same key sees it in flight at once.
   */
  async begin(scope: IdempotencyScope, key: string, requestHash: string): Promise<BeginResult> {
    return this.prisma.detached(async () => {
      if ('teamId' in scope) {
        // The usual case, a new key: one round trip on the pool, no query engine.
        const [rows] = await this.prisma.teamBatch(scope.teamId, [claimStatement(scope.teamId, null, key, requestHash)]);
        if (rows.length === 1) return { kind: 'started', recordId: (rows[0] as { id: string }).id };
        return this.inScope(scope, () => this.claim(scope, key, requestHash, true));
      }
      return this.inScope(scope, () => this.claim(scope, key, requestHash));
    });
  }

  private inScope<T>(scope: IdempotencyScope, fn: () => Promise<T>): Promise<T> {
    return 'teamId' in scope ? this.prisma.withTeam(scope.teamId, fn) : this.prisma.system(fn);
  }

  /** `held`: the first insert was already tried (and found the key taken). */
  private async claim(scope: IdempotencyScope, key: string, requestHash: string, held = false): Promise<BeginResult> {
    const teamId = 'teamId' in scope ? scope.teamId : null;
    const principalId = 'principalId' in scope ? scope.principalId : null;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!held || attempt > 0) {
        const claim = claimStatement(teamId, principalId, key, requestHash);
        const inserted = await this.prisma.$queryRawUnsafe<{ id: string }[]>(claim.text, ...claim.values);
        if (inserted.length === 1) return { kind: 'started', recordId: inserted[0].id };
      }

      // Someone holds the key: take over an expired record or an abandoned in-flight one, else judge it.
      const rows = await this.prisma.$queryRaw<Row[]>`
        UPDATE idempotency_records r
           SET request_hash = CASE WHEN r.expires_at < now() THEN ${requestHash} ELSE r.request_hash END,
               state = 'in_flight', locked_until = now() + ${IN_FLIGHT_LEASE}::interval,
               response_status = NULL, response_body = NULL, response_headers = NULL,
               expires_at = CASE WHEN r.expires_at < now() THEN now() + ${RETENTION}::interval ELSE r.expires_at END
         WHERE r.key = ${key}
           AND r.team_id IS NOT DISTINCT FROM ${teamId}::uuid AND r.principal_id IS NOT DISTINCT FROM ${principalId}::uuid
           AND (r.expires_at < now() OR (r.state = 'in_flight' AND r.locked_until < now() AND r.request_hash = ${requestHash}))
        RETURNING r.id::text, r.request_hash, r.state, r.response_status, r.response_body, r.response_headers, true AS taken_over`;
      if (rows.length === 1) return { kind: 'started', recordId: rows[0].id };

      const existing = await this.prisma.$queryRaw<Row[]>`
        SELECT id::text, request_hash, state, response_status, response_body, response_headers, false AS taken_over
          FROM idempotency_records
         WHERE key = ${key}
           AND team_id IS NOT DISTINCT FROM ${teamId}::uuid AND principal_id IS NOT DISTINCT FROM ${principalId}::uuid`;
      if (existing.length === 0) continue; // released between our statements: try again
      const row = existing[0];
      if (row.request_hash !== requestHash) return { kind: 'mismatch' };
      if (row.state !== 'completed') return { kind: 'in_flight' };
      return {
        kind: 'replay',
        response: { status: row.response_status ?? 200, body: row.response_body, headers: row.response_headers ?? {} },
      };
    }
    return { kind: 'in_flight' };
  }

  /** The completing statement, unsent: for the caller's batch transaction (`PrismaService.teamBatch`). */
  completion(recordId: string, response: StoredResponse): Statement {
    return {
      text: `UPDATE idempotency_records
                SET state = 'completed', locked_until = NULL, response_status = $2::int, response_body = $3::jsonb, response_headers = $4::jsonb
              WHERE id = $1::uuid`,
      values: [recordId, response.status, JSON.stringify(response.body ?? null), JSON.stringify(response.headers)],
    };
  }

  /** Stores the response; pass `tx` to make it part of the transaction that did the work. */
  async complete(recordId: string, response: StoredResponse, tx?: Tx): Promise<void> {
    const db = tx ?? this.prisma;
    const update = this.completion(recordId, response);
    await db.$executeRawUnsafe(update.text, ...update.values);
  }

  /** Forgets an in-flight key whose request failed, so the client may retry with it (the request's own transaction rolled back). */
  async release(recordId: string, scope?: IdempotencyScope): Promise<void> {
    const forget = () => this.prisma.$executeRaw`DELETE FROM idempotency_records WHERE id = ${recordId}::uuid AND state = 'in_flight'`;
    await this.prisma.detached(() => (scope ? this.inScope(scope, forget) : forget()));
  }

  async purgeExpired(): Promise<number> {
    // Expired records of every team.
    return this.prisma.system(() => this.prisma.$executeRaw`DELETE FROM idempotency_records WHERE expires_at < now()`, { transaction: false });
  }
}

/** Claims a key: the first insert wins (unique per team or principal); RETURNING is empty when someone holds it. */
function claimStatement(teamId: string | null, principalId: string | null, key: string, requestHash: string): Statement {
  return {
    text: `INSERT INTO idempotency_records (team_id, principal_id, key, request_hash, state, locked_until, expires_at)
           VALUES ($1::uuid, $2::uuid, $3, $4, 'in_flight', now() + '${IN_FLIGHT_LEASE}'::interval, now() + '${RETENTION}'::interval)
           ON CONFLICT DO NOTHING
           RETURNING id::text`,
    values: [teamId, principalId, key, requestHash],
  };
}
