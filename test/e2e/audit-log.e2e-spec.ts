import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intText, timestampText, uuidText, writeInt, writeTimestamp, writeUuid } from '../../src/modules/audit/audit-binary.js';
import { ByteWriter, CopyTuples } from '../../src/modules/audit/audit-bytes.js';
import { AuditService } from '../../src/modules/audit/audit.service.js';
import { PrismaService } from '../../src/platform/database/prisma.service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTeam, createUser, type UserFixture } from '../support/factories.js';

const rid = () => `rid-${randomBytes(6).toString('hex')}`;

describe('audit log', () => {
  let t: TestApp;
  let admin: UserFixture;
  const call = (key: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, requestId = rid()) =>
    t.app.inject({
      method,
      url,
      headers: { 'x-mantis-token': key, 'x-request-id': requestId, 'user-agent': 'audit-test/1' },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const eventsOf = (requestId: string) => t.prisma.auditEvent.findMany({ where: { requestId } });

  beforeAll(async () => {
    t = await buildTestApp();
    // A member of one team: team-less admin actions must still land in the global chain.
    admin = await createUser(t.prisma, { admin: true, team: await createTeam(t.prisma), role: 'team_owner' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an admin action writes exactly one event with actor, action, target and outcome', async () => {
    const id = rid();
    const res = await call(admin.key, 'POST', '/api/v1/teams', { name: `Audited ${id}` }, id);
    expect(res.statusCode).toBe(201);
    const events = await eventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      teamId: null,
      actorType: 'api_key',
      actorId: admin.id,
      actorEmail: admin.email,
      actorPrefix: admin.key.slice(0, 9),
      authMethod: 'api_key',
      action: 'team.create',
      targetType: 'team',
      targetId: res.json().slug,
      outcome: 'success',
      status: 201,
      userAgent: 'audit-test/1',
    });
    expect(events[0].ip).toBeTruthy();
  });

  it('records a denied attempt once, under the attempted action, in the team’s chain', async () => {
    const team = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const id = rid();
    const res = await call(owner.key, 'PATCH', `/api/v1/teams/${team.slug}`, { weight: 9 }, id);
    expect(res.statusCode).toBe(403);
    const events = await eventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ teamId: team.id, action: 'team.update', outcome: 'denied', status: 403, actorEmail: owner.email, targetId: team.slug });
  });

  it('records a refused credential as auth.denied without the token', async () => {
    const bogus = `mk_${randomBytes(32).toString('hex')}`;
    const id = rid();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: { authorization: `Bearer ${bogus}`, 'x-request-id': id },
      payload: { name: 'nope' },
    });
    expect(res.statusCode).toBe(401);
    const events = await eventsOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'auth.denied',
      outcome: 'denied',
      status: 401,
      actorType: 'api_key',
      actorPrefix: bogus.slice(0, 9),
      teamId: null,
    });
    expect(events[0].details).toMatchObject({ attempted_action: 'team.create', code: 'invalid_token' });
    const row = JSON.stringify({ ...events[0], seq: String(events[0].seq) });
    expect(row).not.toContain(bogus);
    expect(row).not.toContain(bogus.slice(9, 30));
  });

  it('records handler errors as error and reads as nothing', async () => {
    const id = rid();
    const res = await call(admin.key, 'POST', '/api/v1/teams', { name: '' }, id);
    expect(res.statusCode).toBe(400);
    expect(await eventsOf(id)).toMatchObject([{ action: 'team.create', outcome: 'error', status: 400, teamId: null }]);
    const read = rid();
    await call(admin.key, 'GET', '/api/v1/teams', undefined, read);
    expect(await eventsOf(read)).toHaveLength(0);
  });

  it('the table refuses UPDATE and DELETE', async () => {
    await call(admin.key, 'POST', '/api/v1/teams', { name: `Refuse ${rid()}` });
    await expect(t.prisma.$executeRawUnsafe(`UPDATE audit_events SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.prisma.$executeRawUnsafe(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    await expect(t.prisma.$executeRawUnsafe(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
  });

  it('verify names the first tampered row', async () => {
    const team = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    for (let i = 0; i < 5; i++) {
      expect((await call(owner.key, 'PUT', `/api/v1/teams/${team.slug}/secrets/s${i}`, { value: `v${i}` })).statusCode).toBe(201);
    }
    const ok = await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/audit-events/verify`);
    expect(ok.json()).toMatchObject({ team: team.slug, ok: true, checked: 5, first_broken: null });

    const rows = await t.prisma.auditEvent.findMany({ where: { teamId: team.id }, orderBy: { seq: 'asc' } });
    const victim = rows[2];
    const su = new pg.Client({ connectionString: t.databaseUrl });
    await su.connect();
    try {
      await su.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      await su.query(`UPDATE audit_events SET details = '{"created":false}' WHERE id = $1`, [victim.id]);
      await su.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    } finally {
      await su.end();
    }
    const bad = await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/audit-events/verify`);
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toMatchObject({ ok: false, checked: 2, first_broken: { id: victim.id, seq: Number(victim.seq), reason: 'hash_mismatch' } });
  });

  it('100 concurrent writes to one team keep the chain linear', async () => {
    const team = await createTeam(t.prisma);
    const audit = t.app.get(AuditService);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        audit.record({ team: { id: team.id, slug: team.slug }, actor: { type: 'system' }, action: 'test.concurrent', outcome: 'success', details: { i } }),
      ),
    );
    const rows = await t.prisma.auditEvent.findMany({ where: { teamId: team.id }, orderBy: { seq: 'asc' } });
    expect(rows).toHaveLength(100);
    expect(rows[0].prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(100);
    expect(await audit.verify(team.id)).toMatchObject({ ok: true, checked: 100 });
  });

  it('an event recorded inside a transaction commits or rolls back with the change', async () => {
    const team = await createTeam(t.prisma);
    const audit = t.app.get(AuditService);
    const prisma = t.app.get(PrismaService);
    const event = { team: { id: team.id, slug: team.slug }, actor: { type: 'system' as const }, action: 'test.tx', outcome: 'success' as const };
    await expect(
      prisma.$transaction(async (tx) => {
        await audit.record(event, tx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await t.prisma.auditEvent.count({ where: { teamId: team.id } })).toBe(0);
    await prisma.$transaction((tx) => audit.record(event, tx));
    expect(await t.prisma.auditEvent.count({ where: { teamId: team.id } })).toBe(1);
  });

  it('verify and export read stored events exactly: escapes, unicode, nested details, millisecond times', async () => {
    const team = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const audit = t.app.get(AuditService);
    const odd = ['quote " and \\ backslash', 'line\nbreak\ttab\u0001', '\u2028 é 😀 ü', ''];
    // Nested details with numbers, and flat ones of strings and literals (which the walk writes straight from the column's bytes).
    const detailsOf = (text: string, i: number) => [
      { z: [1, 2.5, null, text], a: { y: true, b: text }, [text || 'empty']: i },
      { route: text, method: 'POST', b: true, a: null, [text || 'empty']: text, zz: `${text}", "x": "` },
    ];
    for (const [i, text] of odd.entries()) {
      for (const details of detailsOf(text, i)) {
        await audit.record({
          team: { id: team.id, slug: team.slug },
          actor: { type: 'user', id: text, email: `${i}@example.com` },
          action: 'test.escape',
          target: { type: 'thing', id: text },
          outcome: 'success',
          status: 201,
          userAgent: text,
          details,
        });
      }
    }
    const verify = await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/audit-events/verify`);
    expect(verify.json()).toMatchObject({ ok: true, checked: 2 * odd.length, first_broken: null });
    // The export (a bulk read) gives exactly the events the page API (through Prisma) gives, oldest first.
    const nd = await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/audit-events/export?format=ndjson`);
    const page = await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/audit-events?limit=100`);
    const expected = [...page.json().data].reverse();
    expect(nd.body).toBe(expected.map((e: unknown) => `${JSON.stringify(e)}\n`).join(''));
    expect(expected.map((e: { target: { id: string } }) => e.target.id)).toEqual(odd.flatMap((text) => [text, text]));
  });

  it('uuids, timestamps and integers sent in binary are written as PostgreSQL writes their texts', async () => {
    const prisma = t.app.get(PrismaService);
    /** Each tuple of a binary COPY of `(value, its text)`: what the writer makes of the value, and the text. */
    const pairs = async (select: string, write: (w: ByteWriter, t: CopyTuples) => void) => {
      const t = new CopyTuples(await prisma.copyRows(null, select), 2);
      const out: [string, string | null][] = [];
      while (t.next()) {
        const w = new ByteWriter(8);
        write(w, t);
        out.push([w.buf.toString('utf8', 0, w.pos), t.text(1)]);
      }
      return out;
    };
    const times = [
      '2026-11-30 23:59:59.007+00',
      '2026-03-29 02:30:00.5+02', // another zone; the day before in UTC at midnight
      '2000-01-01 00:00:00+00',
      '1999-12-31 23:59:59.999+00',
      '1970-01-01 00:00:00.001+00',
      '2024-02-29 12:34:56.789987+00', // microseconds: to_char's MS truncates
      '1900-03-01 00:00:00+00',
      '1850-06-15 08:00:00.25+00', // before the fast path's range
      '2200-12-31 23:59:59.999999+00', // after it
      '0001-01-01 00:00:00+00',
      '0001-12-31 23:59:59+00 BC',
      '4713-11-24 00:00:00+00 BC',
      '9999-12-31 23:59:59.999999+00',
      '10000-01-01 00:00:00+00',
      '294276-12-31 23:59:59.999999+00',
      'infinity',
      '-infinity',
    ];
    const tsSql = `SELECT v::timestamptz, to_char(v::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM unnest(ARRAY[${times.map((v) => `'${v}'`).join(', ')}]) v`;
    for (const [written, text] of await pairs(tsSql, (w, t) => writeTimestamp(w, t.buf, t.at(0, 8))))
      expect(written).toBe(text === null ? 'null' : JSON.stringify(text));
    // The cursor's text, with microseconds, reads back as the same timestamp.
    const micro = new CopyTuples(await prisma.copyRows(null, `SELECT v::timestamptz FROM unnest(ARRAY[${times.map((v) => `'${v}'`).join(', ')}]) v`), 1);
    const texts: (string | null)[] = [];
    while (micro.next()) texts.push(timestampText(micro.buf, micro.at(0, 8), 6));
    expect(texts.filter((x) => x === null)).toHaveLength(2);
    const same = await prisma.readRows(
      null,
      'SELECT bool_and(a::timestamptz = b::timestamptz) FROM unnest($1::text[], $2::text[]) AS x(a, b) WHERE a IS NOT NULL',
      [texts, times],
    );
    expect(same).toEqual([['t']]);

    const uuids = `SELECT v::uuid, v::uuid::text FROM unnest(ARRAY['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', gen_random_uuid()::text]) v`;
    for (const [written, text] of await pairs(uuids, (w, t) => writeUuid(w, t.buf, t.at(0, 16)))) expect(written).toBe(JSON.stringify(text));
    for (const [written, text] of await pairs(uuids, (w, t) => w.text(uuidText(t.buf, t.at(0, 16))))) expect(written).toBe(text);

    const int4 = 'SELECT v::int4, v::int4::text FROM unnest(ARRAY[-2147483648, -1, 0, 7, 201, 2147483647]) v';
    for (const [written, text] of await pairs(int4, (w, t) => writeInt(w, t.buf, t.at(0, 4), 4))) expect(written).toBe(text);
    const int8 = 'SELECT v, v::text FROM unnest(ARRAY[-9223372036854775808, -9007199254740993, -1, 0, 12345, 9007199254740993, 9223372036854775807]::int8[]) v';
    for (const [written, text] of await pairs(int8, (w, t) => writeInt(w, t.buf, t.at(0, 8), 8))) expect(written).toBe(text);
    for (const [written, text] of await pairs(int8, (w, t) => w.text(intText(t.buf, t.at(0, 8), 8)))) expect(written).toBe(text);
  });

  it('verify finds a tampered id, time or status (columns the walk reads in binary)', async () => {
    const audit = t.app.get(AuditService);
    const tampers: [string, string][] = [
      ['id', 'id = gen_random_uuid()'],
      ['a millisecond later', "ts = ts + interval '1 millisecond'"],
      ['infinity', "ts = 'infinity'"],
      ['status', 'status = 202'],
      ['no status', 'status = NULL'],
    ];
    for (const [what, set] of tampers) {
      const team = await createTeam(t.prisma);
      for (let i = 0; i < 3; i++)
        await audit.record({ team: { id: team.id, slug: team.slug }, actor: { type: 'system' }, action: 'test.binary', outcome: 'success', status: 201 });
      expect(await audit.verify(team.id)).toMatchObject({ ok: true, checked: 3 });
      const victim = (await t.prisma.auditEvent.findMany({ where: { teamId: team.id }, orderBy: { seq: 'asc' } }))[1];
      const su = new pg.Client({ connectionString: t.databaseUrl });
      await su.connect();
      let after: { id: string; ts: string | null };
      try {
        await su.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
        const res = await su.query<typeof after>(
          `UPDATE audit_events SET ${set} WHERE seq = $1 RETURNING id::text, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts`,
          [victim.seq],
        );
        await su.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
        after = res.rows[0];
      } finally {
        await su.end();
      }
      const result = await audit.verify(team.id);
      expect(result, what).toMatchObject({
        ok: false,
        checked: 1,
        first_broken: { id: after.id, seq: Number(victim.seq), ts: after.ts, reason: 'hash_mismatch' },
      });
    }
  });

  it('an export in small batches (each keyset on the last time and seq read in binary) gives the same lines', async () => {
    const team = await createTeam(t.prisma);
    const audit = t.app.get(AuditService);
    for (let i = 0; i < 7; i++)
      await audit.record({
        team: { id: team.id, slug: team.slug },
        actor: { type: 'system' },
        action: 'test.batches',
        outcome: 'success',
        details: { i: String(i) },
      });
    const lines = async (batch?: number) => {
      const chunks: Buffer[] = [];
      for await (const chunk of audit.ndjson({ teamId: team.id }, batch)) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8');
    };
    const whole = await lines();
    expect(
      whole
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { details: { i: string } }).details.i),
    ).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    expect(await lines(2)).toBe(whole);
    expect(await lines(7)).toBe(whole);
  });

  it('bulk reads (export, verify) see only their scope’s team, whatever the SQL asks for', async () => {
    const [a, b] = [await createTeam(t.prisma), await createTeam(t.prisma)];
    const audit = t.app.get(AuditService);
    for (const team of [a, b])
      await audit.record({ team: { id: team.id, slug: team.slug }, actor: { type: 'system' }, action: 'test.scope', outcome: 'success' });
    const prisma = t.app.get(PrismaService);
    const count = 'SELECT count(*) FROM audit_events WHERE team_id = $1::uuid';
    expect(await prisma.readRows(a.id, count, [b.id])).toEqual([['0']]);
    expect(await prisma.readRows(a.id, count, [a.id])).toEqual([['1']]);
    expect(await prisma.readRows(null, count, [b.id])).toEqual([['1']]);
    // The binary COPY of the walk and the NDJSON export: the same scope.
    const copied = async (teamId: string | null, of: string) => {
      const t = new CopyTuples(await prisma.copyRows(teamId, `SELECT count(*)::text FROM audit_events WHERE team_id = '${of}'::uuid`), 1);
      return t.next() ? t.text(0) : undefined;
    };
    expect(await copied(a.id, b.id)).toBe('0');
    expect(await copied(a.id, a.id)).toBe('1');
    expect(await copied(null, b.id)).toBe('1');
  });

  it('an export filter is a value, quotes and backslashes included', async () => {
    const team = await createTeam(t.prisma);
    const owner = await createUser(t.prisma, { team, role: 'team_owner' });
    const audit = t.app.get(AuditService);
    const action = "it's \\' OR true --";
    await audit.record({ team: { id: team.id, slug: team.slug }, actor: { type: 'system' }, action, outcome: 'success' });
    await audit.record({ team: { id: team.id, slug: team.slug }, actor: { type: 'system' }, action: 'other', outcome: 'success' });
    const nd = await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/audit-events/export?format=ndjson&action=${encodeURIComponent(action)}`);
    expect(nd.statusCode).toBe(200);
    expect(
      nd.body
        .trim()
        .split('\n')
        .map((l: string) => (JSON.parse(l) as { action: string }).action),
    ).toEqual([action]);
  });

  describe('reading', () => {
    it('filters by action, actor, outcome and time, pages by cursor; auditors and owners only', async () => {
      const team = await createTeam(t.prisma);
      const owner = await createUser(t.prisma, { team, role: 'team_owner' });
      const auditor = await createUser(t.prisma, { team, role: 'auditor' });
      const viewer = await createUser(t.prisma, { team, role: 'viewer' });
      const start = new Date().toISOString();
      for (let i = 0; i < 3; i++) await call(owner.key, 'PUT', `/api/v1/teams/${team.slug}/secrets/k${i}`, { value: 'x' });
      await call(owner.key, 'DELETE', `/api/v1/teams/${team.slug}/secrets/k0`);
      await call(viewer.key, 'DELETE', `/api/v1/teams/${team.slug}/secrets/k1`);
      const base = `/api/v1/teams/${team.slug}/audit-events`;

      expect((await call(viewer.key, 'GET', base)).statusCode).toBe(403);
      const all = await call(auditor.key, 'GET', base);
      expect(all.statusCode).toBe(200);
      expect(all.json().data.map((e: { action: string }) => e.action)).toEqual([
        'secret.delete',
        'secret.delete',
        'secret.update',
        'secret.update',
        'secret.update',
      ]);
      expect(all.json().data[0]).toMatchObject({
        team: team.slug,
        outcome: 'denied',
        actor: { type: 'api_key', email: viewer.email },
        target: { type: 'secret', id: 'k1' },
      });

      const byAction = await call(auditor.key, 'GET', `${base}?action=secret.update`);
      expect(byAction.json().data).toHaveLength(3);
      const byActor = await call(auditor.key, 'GET', `${base}?actor=${encodeURIComponent(viewer.email)}`);
      expect(byActor.json().data).toHaveLength(1);
      const byPrefix = await call(auditor.key, 'GET', `${base}?actor=${owner.key.slice(0, 9)}`);
      expect(byPrefix.json().data).toHaveLength(4);
      const denied = await call(auditor.key, 'GET', `${base}?outcome=denied`);
      expect(denied.json().data).toHaveLength(1);
      const none = await call(auditor.key, 'GET', `${base}?until=${encodeURIComponent(start)}`);
      expect(none.json().data).toHaveLength(0);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { json(): { data: { id: string }[]; next_cursor: string | null } } = await call(
          auditor.key,
          'GET',
          `${base}?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...page.json().data.map((e) => e.id));
        cursor = page.json().next_cursor;
      } while (cursor);
      expect(seen).toEqual(all.json().data.map((e: { id: string }) => e.id));

      const badCursor = await call(auditor.key, 'GET', `${base}?cursor=nonsense`);
      expect(badCursor.statusCode).toBe(400);
    });

    it('exports NDJSON and CSV, oldest first, and admins read across teams', async () => {
      const team = await createTeam(t.prisma);
      const owner = await createUser(t.prisma, { team, role: 'team_owner' });
      for (let i = 0; i < 3; i++) await call(owner.key, 'PUT', `/api/v1/teams/${team.slug}/secrets/e${i}`, { value: 'x' });
      const nd = await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/audit-events/export?format=ndjson`);
      expect(nd.statusCode).toBe(200);
      expect(nd.headers['content-type']).toMatch(/application\/x-ndjson/);
      const lines = nd.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((e) => e.target.id)).toEqual(['e0', 'e1', 'e2']);
      expect(lines[1].prev_hash).toBe(lines[0].hash);
      const csv = await call(owner.key, 'GET', `/api/v1/teams/${team.slug}/audit-events/export?format=csv`);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const rows = csv.body.trim().split('\r\n');
      expect(rows[0].split(',').slice(0, 4)).toEqual(['id', 'seq', 'ts', 'team']);
      expect(rows).toHaveLength(4);

      const cross = await call(admin.key, 'GET', `/api/v1/audit-events?team=${team.slug}`);
      expect(cross.json().data).toHaveLength(3);
      expect((await call(owner.key, 'GET', '/api/v1/audit-events')).statusCode).toBe(403);
      const global = await call(admin.key, 'GET', '/api/v1/audit-events/verify');
      expect(global.json()).toMatchObject({ team: null, ok: true });
    });
  });
});
