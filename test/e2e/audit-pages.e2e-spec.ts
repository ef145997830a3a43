import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventJson } from '../../src/modules/audit/audit-format.js';
import { AuditRepository, type AuditFilter } from '../../src/modules/audit/audit.repository.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type TeamFixture, type UserFixture } from '../support/factories.js';

/** An audit_events row as pg's own type parsers give it (int8 as text, timestamptz as Date, jsonb parsed). */
interface StoredRow {
  id: string;
  seq: string;
  ts: Date;
  team_id: string | null;
  team_slug: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_email: string | null;
  actor_prefix: string | null;
  auth_method: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  status: number | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: unknown;
  prev_hash: string;
  hash: string;
}

/** An event as API.md lists its fields, built straight from the stored row. */
function contractEvent(r: StoredRow) {
  return {
    id: r.id,
    seq: Number(r.seq),
    ts: r.ts.toISOString(),
    team: r.team_slug,
    actor: { type: r.actor_type, id: r.actor_id, email: r.actor_email, prefix: r.actor_prefix },
    auth_method: r.auth_method,
    action: r.action,
    target: { type: r.target_type, id: r.target_id },
    outcome: r.outcome,
    status: r.status,
    ip: r.ip,
    user_agent: r.user_agent,
    request_id: r.request_id,
    details: r.details ?? {},
    prev_hash: r.prev_hash,
    hash: r.hash,
  };
}

const asJson = (r: StoredRow) => JSON.stringify(contractEvent(r));
const newestFirst = (a: StoredRow, b: StoredRow) => b.ts.getTime() - a.ts.getTime() || Number(BigInt(b.seq) - BigInt(a.seq));
const cursorOf = (r: StoredRow) => Buffer.from(JSON.stringify([r.ts.toISOString(), r.seq])).toString('base64url');

/** The response bodies of every page, newest first, `limit` events each, as `JSON.stringify` writes `{ data, next_cursor }`. */
function referencePages(rows: StoredRow[], limit: number): string[] {
  const sorted = [...rows].sort(newestFirst);
  const pages: string[] = [];
  for (let i = 0; i === 0 || i < sorted.length; i += limit) {
    const data = sorted.slice(i, i + limit);
    const more = i + limit < sorted.length;
    pages.push(JSON.stringify({ data: data.map(contractEvent), next_cursor: more ? cursorOf(data[data.length - 1]) : null }));
  }
  return pages;
}

describe('audit log pages (one read on the pool, written from the column texts)', () => {
  let t: TestApp;
  let db: pg.Client;
  let a: TeamFixture;
  let b: TeamFixture;
  let auditorA: UserFixture;
  let auditorB: UserFixture;
  let admin: UserFixture;
  let actor: UserFixture;
  /** A user of team b only whose events stay in team a (a former member): named by email, still found by id. */
  let former: UserFixture;
  const tie = new Date(Date.UTC(2026, 0, 15, 12, 0, 0, 123));
  // Every control character (each escaped its own way by JSON.stringify), quotes, backslashes, DEL, separators, astral and empty.
  const controls = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('');
  const odd = ['quote " and \\ backslash', `ctl ${controls} del \u007f`, '\u2028\u2029 é 😀 ü', '', 'ends in backslashes \\\\', '\\"\\\\"\\'];

  const get = (key: string, url: string) => t.app.inject({ method: 'GET', url, headers: { 'x-mantis-token': key } });
  const stored = async (where = 'true', values: unknown[] = []) => (await db.query<StoredRow>(`SELECT * FROM audit_events WHERE ${where}`, values)).rows;

  /** A stored event at a chosen time (several at one millisecond: ties on `ts` that only `seq` orders). Pages do not check the chain. */
  const insert = (team: TeamFixture | null, ts: Date, e: Partial<Record<keyof StoredRow, unknown>>) =>
    db.query(
      'INSERT INTO audit_events (id, ts, team_id, team_slug, actor_type, actor_id, actor_email, actor_prefix, auth_method, action, target_type, target_id, ' +
        'outcome, status, ip, user_agent, request_id, details, prev_hash, hash) ' +
        'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, $19, $20)',
      [
        randomUUID(),
        ts,
        team?.id ?? null,
        team?.slug ?? null,
        e.actor_type ?? 'user',
        e.actor_id ?? null,
        e.actor_email ?? null,
        e.actor_prefix ?? null,
        e.auth_method ?? null,
        e.action ?? 'test.tie',
        e.target_type ?? null,
        e.target_id ?? null,
        e.outcome ?? 'success',
        e.status ?? null,
        e.ip ?? null,
        e.user_agent ?? null,
        e.request_id ?? null,
        e.details === undefined ? '{}' : e.details,
        '0'.repeat(64),
        randomBytes(32).toString('hex'),
      ],
    );

  beforeAll(async () => {
    t = await buildTestApp();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    [a, b] = [await createTeam(t.prisma), await createTeam(t.prisma)];
    auditorA = await createUser(t.prisma, { team: a, role: 'auditor' });
    auditorB = await createUser(t.prisma, { team: b, role: 'auditor' });
    admin = await createUser(t.prisma, { admin: true });
    actor = await createUser(t.prisma, { team: a, role: 'operator' });
    former = await createUser(t.prisma, { team: b, role: 'viewer' });
    const audit = t.app.get(AuditService);
    // Both teams hold events of the same actions, actors and outcomes, so only the team scope tells them apart.
    for (const team of [a, b]) {
      for (let i = 0; i < 24; i++) {
        const text = odd[i % odd.length];
        await audit.record({
          team: { id: team.id, slug: team.slug },
          actor:
            i % 3 === 0
              ? { type: 'user', id: actor.id, email: actor.email }
              : i % 3 === 1
                ? { type: 'api_key', id: actor.id, email: actor.email, prefix: actor.key.slice(0, 9) }
                : { type: 'system' },
          authMethod: i % 3 === 2 ? null : 'api_key',
          action: ['secret.update', 'run.create', 'role.assign'][i % 3],
          target: { type: 'thing', id: i % 5 ? text : null },
          outcome: i % 7 === 0 ? 'denied' : 'success',
          status: i % 4 ? 201 : null,
          ip: i % 2 ? '10.0.0.1' : null,
          userAgent: text,
          requestId: `req-${i}`,
          details: i % 2 ? { z: [1, 2.5, null, text], a: { y: true, b: text }, [text || 'empty']: i, 10: 'n' } : { method: 'POST', route: text, ok: false },
        });
      }
      for (let i = 0; i < 5; i++) {
        await insert(team, tie, { action: i % 2 ? 'test.tie' : 'run.create', actor_email: 'gone@example.com', target_id: `tie-${i}`, status: 200 + i });
      }
      // Odd text in every text column, as stored by older versions or imports.
      for (const [i, text] of odd.entries()) {
        await insert(team, new Date(tie.getTime() - 2 - i), {
          ...Object.fromEntries(
            ['actor_id', 'actor_email', 'actor_prefix', 'auth_method', 'target_type', 'target_id', 'ip', 'user_agent', 'request_id'].map((c) => [c, text]),
          ),
          action: `odd ${text}`,
          details: `{${JSON.stringify(text || 'empty')}: ${JSON.stringify(text)}, "n": -1.5e-7, "big": 12345678901234567890, "list": [${JSON.stringify(text)}, {}, []]}`,
        });
      }
      // The former member's events, one of them carrying an email of its own (the id decides).
      await insert(team, new Date(tie.getTime() + 5), { actor_id: former.id, actor_email: former.email, action: 'secret.update' });
      await insert(team, new Date(tie.getTime() + 6), { actor_id: former.id, actor_email: 'renamed@example.com', action: 'run.create' });
      await insert(team, new Date(tie.getTime() + 7), { actor_id: null, actor_email: former.email, action: 'run.create' });
      // A stored JSON null as details is served as {}.
      await insert(team, new Date(tie.getTime() - 1), { action: 'test.null', details: 'null' });
    }
    await insert(null, tie, { action: 'team.delete', actor_type: 'system' });
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('serves every page of a team, for a mix of filters and cursors, exactly as the reference built from its rows', async () => {
    const recorded = await stored('team_id = $1', [a.id]);
    const middle = [...recorded].sort(newestFirst)[Math.floor(recorded.length / 2)].ts;
    const cases: [string, (r: StoredRow) => boolean][] = [
      ['', () => true],
      ['action=run.create', (r) => r.action === 'run.create'],
      ['outcome=denied', (r) => r.outcome === 'denied'],
      [`actor=${encodeURIComponent(actor.email.toUpperCase())}`, (r) => r.actor_id === actor.id],
      ['actor=gone%40example.com', (r) => r.actor_email === 'gone@example.com'],
      [`actor=${encodeURIComponent(former.email)}`, (r) => r.actor_id === former.id],
      [`actor=${encodeURIComponent(former.email)}&action=run.create`, (r) => r.actor_id === former.id && r.action === 'run.create'],
      [`actor=gone%40example.com&since=${encodeURIComponent(tie.toISOString())}`, (r) => r.actor_email === 'gone@example.com' && r.ts >= tie],
      [`actor=${actor.key.slice(0, 9)}`, (r) => r.actor_prefix === actor.key.slice(0, 9)],
      [`actor=${actor.id}`, (r) => r.actor_id === actor.id],
      [`until=${encodeURIComponent(tie.toISOString())}`, (r) => r.ts < tie],
      [`since=${encodeURIComponent(tie.toISOString())}`, (r) => r.ts >= tie],
      [
        `action=run.create&since=${encodeURIComponent(tie.toISOString())}&until=${encodeURIComponent(middle.toISOString())}`,
        (r) => r.action === 'run.create' && r.ts >= tie && r.ts < middle,
      ],
      ['action=nothing.here', () => false],
    ];
    let walked = 0;
    for (const [query, keep] of cases) {
      for (const limit of [3, 7, 1000]) {
        const expected = referencePages(
          recorded.filter((r) => keep(r)),
          limit,
        );
        let cursor: string | null = null;
        for (const [i, body] of expected.entries()) {
          const url = `/api/v1/teams/${a.slug}/audit-events?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
          const res = await get(auditorA.key, url);
          expect(res.statusCode, url).toBe(200);
          expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
          expect(res.body, `${url} (page ${i + 1} of ${expected.length})`).toBe(body);
          cursor = (JSON.parse(body) as { next_cursor: string | null }).next_cursor;
          walked++;
        }
        expect(cursor).toBeNull();
      }
    }
    expect(walked).toBeGreaterThan(40);
  });

  it('never serves another team’s events: the pages of each team hold its own, and another team’s slug is not found', async () => {
    const ids = async (team: TeamFixture, key: string) =>
      new Set(((await get(key, `/api/v1/teams/${team.slug}/audit-events?limit=1000`)).json() as { data: { id: string }[] }).data.map((e) => e.id));
    const [inA, inB] = [await ids(a, auditorA.key), await ids(b, auditorB.key)];
    expect(inA).toEqual(new Set((await stored('team_id = $1', [a.id])).map((r) => r.id)));
    expect(inB).toEqual(new Set((await stored('team_id = $1', [b.id])).map((r) => r.id)));
    expect([...inA].filter((id) => inB.has(id))).toEqual([]);
    expect((await get(auditorB.key, `/api/v1/teams/${a.slug}/audit-events`)).statusCode).toBe(404);
    // Below the route: the read's transaction is the team's (role and team set in it), whatever its SQL asks for.
    const prisma = t.app.get(PrismaService);
    expect(await prisma.readRows(a.id, "SELECT current_user::text, current_setting('mantis.team_id')", [])).toEqual([['mantis_app', a.id]]);
    const teamsSeen = 'SELECT DISTINCT team_id::text FROM audit_events WHERE team_id IS NOT NULL';
    expect(await prisma.readRows(a.id, teamsSeen, [])).toEqual([[a.id]]);
    // Pipelined: the connection comes back to the pool outside any transaction and role; a failed read leaves none open either.
    await expect(prisma.readRows(a.id, 'SELECT no_such_column FROM audit_events', [])).rejects.toThrow(/no_such_column/);
    expect((await prisma.readRows(null, teamsSeen, [])).map(([id]) => id).sort()).toEqual([a.id, b.id].sort());
  });

  it('pages in both directions on (ts, seq), ties on ts included, in the filter’s team only', async () => {
    const repo = t.app.get(AuditRepository);
    const rows = (await stored('team_id = $1', [a.id])).sort(newestFirst);
    const walk = async (filter: AuditFilter, direction: 'asc' | 'desc', limit: number) => {
      const seen: string[] = [];
      let cursor: { ts: Date; seq: bigint } | undefined;
      for (let n = 0; n <= rows.length; n++) {
        const page = await repo.pageRows(filter, limit, cursor, direction);
        seen.push(...page.map(eventJson));
        if (page.length < limit) return seen;
        const last = page[page.length - 1];
        const [, seq, ts] = JSON.parse(last[0]!) as string[];
        cursor = { ts: new Date(ts), seq: BigInt(seq) };
      }
      throw new Error('the cursor does not advance');
    };
    for (const limit of [1, 2, 5]) {
      expect(await walk({ teamId: a.id }, 'desc', limit)).toEqual(rows.map(asJson));
      expect(await walk({ teamId: a.id }, 'asc', limit)).toEqual([...rows].reverse().map(asJson));
      const ties = rows.filter((r) => r.ts.getTime() === tie.getTime() && r.action === 'run.create');
      expect(ties.length).toBeGreaterThan(1);
      expect(await walk({ teamId: a.id, action: 'run.create', since: tie, until: new Date(tie.getTime() + 1) }, 'asc', limit)).toEqual(
        [...ties].reverse().map(asJson),
      );
    }
  });

  it('serves the admin’s listings (one team by slug, the global chain, every team) exactly as the reference', async () => {
    const cases: [string, string, unknown[]][] = [
      [`team=${a.slug}`, 'team_slug = $1', [a.slug]],
      [`team=${b.slug}&action=test.tie`, "team_slug = $1 AND action = 'test.tie'", [b.slug]],
      ['team=global', 'team_id IS NULL', []],
      ['', 'true', []],
      [`actor=${encodeURIComponent(actor.email)}`, 'actor_id = $1', [actor.id]],
      [`actor=${encodeURIComponent(former.email)}`, 'actor_id = $1', [former.id]],
      ['actor=gone%40example.com', "actor_email = 'gone@example.com'", []],
    ];
    for (const [query, where, values] of cases) {
      const expected = referencePages(await stored(where, values), 10);
      let cursor: string | null = null;
      for (const body of expected) {
        const url = `/api/v1/audit-events?limit=10${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await get(admin.key, url);
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).toBe(body);
        cursor = (JSON.parse(body) as { next_cursor: string | null }).next_cursor;
      }
    }
  });
});
