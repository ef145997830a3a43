import { useInfiniteQuery, useMutation, type UseMutationResult } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { api, must, teamPath } from '../api/client';
import { when } from '../api/runs';
import type { paths } from '../api/schema';
import { can, useSession } from '../api/session';
import { Empty, ErrorState, Loading } from '../shell/States';
import { AuditEventDialog, type AuditEvent } from './AuditEventDialog';
import { SaveSignedHead } from './SignedHead';

type Outcome = 'success' | 'denied' | 'error';
interface Filters {
  actor?: string;
  action?: string;
  outcome?: Outcome;
  since?: string;
  until?: string;
}

/** A datetime-local value (the browser's time zone) as an ISO instant. */
const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);

function readForm(form: HTMLFormElement): Filters {
  const f = new FormData(form);
  const text = (k: string) => String(f.get(k) ?? '').trim() || undefined;
  return {
    actor: text('actor'),
    action: text('action'),
    outcome: text('outcome') as Outcome | undefined,
    since: iso(text('since') ?? ''),
    until: iso(text('until') ?? ''),
  };
}

function query(filters: Filters): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  return q.toString();
}

/** The team's audit log for reviewers: filter, read every field, verify the chain, export. */
export function AuditPage() {
  const { team } = useParams({ from: '/shell/teams/$team/audit' });
  const { data: principal } = useSession();
  const [filters, setFilters] = useState<Filters>({});
  const [allTeams, setAllTeams] = useState(false);
  const [open, setOpen] = useState<AuditEvent | null>(null);
  const cross = allTeams && !!principal?.admin;
  // Without the role the page still asks, so the server's 403 explains what is missing; the controls stay hidden.
  const allowed = !!principal && can(principal, team, 'audit.read');

  const events = useInfiniteQuery({
    queryKey: ['audit', cross ? '*' : team, filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      cross
        ? must(api.GET('/api/v1/audit-events', { params: { query: { ...filters, cursor: pageParam, limit: 50 } } }))
        : must(api.GET('/api/v1/teams/{team}/audit-events', { params: { path: { team }, query: { ...filters, cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const verify = useMutation({ mutationFn: () => must(api.GET('/api/v1/teams/{team}/audit-events/verify', { params: { path: { team } } })) });
  const rows = (events.data?.pages.flatMap((p) => p.data) ?? []) as AuditEvent[];
  const exportBase = cross ? '/api/v1/audit-events/export' : teamPath(team, 'audit-events/export');
  const qs = query(filters);

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setFilters(readForm(e.currentTarget));
  }

  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Audit log</h1>
        {allowed ? (
          <div className="actions">
            <button type="button" className="secondary" onClick={() => verify.mutate()} disabled={verify.isPending}>
              Verify chain
            </button>
            <a className="button secondary" href={`${exportBase}?format=csv${qs ? `&${qs}` : ''}`} download>
              Export CSV
            </a>
            <a className="button secondary" href={`${exportBase}?format=ndjson${qs ? `&${qs}` : ''}`} download>
              Export NDJSON
            </a>
            {cross ? null : <SaveSignedHead team={team} />}
          </div>
        ) : null}
      </div>
      <VerifyResult state={verify} />
      {allowed ? (
        <form className="filters" onSubmit={apply} aria-label="Filters">
          <label>
            Actor
            <input name="actor" placeholder="email, user id or mk_ prefix" />
          </label>
          <label>
            Action
            <input name="action" placeholder="e.g. run.create" />
          </label>
          <label>
            Outcome
            <select name="outcome" defaultValue="">
              <option value="">Any</option>
              <option value="success">success</option>
              <option value="denied">denied</option>
              <option value="error">error</option>
            </select>
          </label>
          <label>
            Since
            <input name="since" type="datetime-local" step="1" />
          </label>
          <label>
            Until
            <input name="until" type="datetime-local" step="1" />
          </label>
          {principal?.admin ? (
            <label className="check">
              <input type="checkbox" checked={allTeams} onChange={(e) => setAllTeams(e.target.checked)} /> All teams
            </label>
          ) : null}
          <button type="submit" className="primary">
            Apply filters
          </button>
        </form>
      ) : null}
      {events.isPending ? <Loading what="audit events" /> : null}
      {events.isError ? <ErrorState error={events.error} what="the audit log" /> : null}
      {events.isSuccess && rows.length === 0 ? <Empty>No audit events match these filters.</Empty> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Audit events, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                {cross ? <th scope="col">Team</th> : null}
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Detail</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.ts)}</td>
                  {cross ? <td>{e.team ?? 'global'}</td> : null}
                  <td>{e.actor.email ?? e.actor.prefix ?? e.actor.type}</td>
                  <td className="mono">{e.action}</td>
                  <td>{e.target.type ? `${e.target.type} ${e.target.id ?? ''}` : '—'}</td>
                  <td>
                    <span className={`badge outcome-${e.outcome}`}>{e.outcome}</span>
                  </td>
                  <td>{e.status ?? '—'}</td>
                  <td>
                    <button type="button" className="link" onClick={() => setOpen(e)} aria-label={`Details of ${e.action} at ${when(e.ts)}`}>
                      Details
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {events.hasNextPage ? (
        <button type="button" className="secondary" disabled={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
          Load more
        </button>
      ) : null}
      <AuditEventDialog event={open} onClose={() => setOpen(null)} />
    </section>
  );
}

type Verified = paths['/api/v1/teams/{team}/audit-events/verify']['get']['responses'][200]['content']['application/json'];
type VerifyState = UseMutationResult<Verified, Error, void>;

function VerifyResult({ state }: { state: VerifyState }) {
  if (state.isPending) return <p role="status">Verifying the chain…</p>;
  if (state.isError) return <ErrorState error={state.error} what="the chain verification" />;
  const v = state.data;
  if (!v) return null;
  return (
    <p role="status" className={v.ok ? 'state state-ok' : 'state state-error'}>
      {v.ok ? (
        <>
          <strong>Chain verified</strong>: {v.checked} events checked; last hash <code>{v.last_hash}</code>
        </>
      ) : (
        <>
          <strong>Chain broken</strong> at event #{v.first_broken?.seq} ({v.first_broken?.id}, {v.first_broken?.ts}):{' '}
          {v.first_broken?.reason.replace(/_/g, ' ')}; {v.checked} events checked before it
        </>
      )}
    </p>
  );
}
