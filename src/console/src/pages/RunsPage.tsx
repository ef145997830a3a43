import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useRef } from 'react';
import { api, must } from '../api/client';
import { Backoff, isTerminal, money, RUN_STATUSES, when, type Run } from '../api/runs';
import { Empty, ErrorState, Loading } from '../shell/States';

type RunStatus = (typeof RUN_STATUSES)[number];

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status.replace('_', ' ')}</span>;
}

/** The team's runs, newest first; the list refreshes itself while runs move. */
export function RunsPage() {
  const { team } = useParams({ from: '/shell/teams/$team/runs' });
  const { status } = useSearch({ from: '/shell/teams/$team/runs' });
  const navigate = useNavigate();
  const backoff = useRef(new Backoff());
  const filter = RUN_STATUSES.includes(status as RunStatus) ? (status as RunStatus) : undefined;

  const runs = useInfiniteQuery({
    queryKey: ['runs', team, filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      must(api.GET('/api/v1/teams/{team}/runs', { params: { path: { team }, query: { status: filter, cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (q) => {
      const rows = q.state.data?.pages.flatMap((p) => p.data) ?? [];
      return backoff.current.next(
        rows.map((r) => [r.run_id, r.status, r.cost_usd]),
        rows.some((r) => !isTerminal(r.status)),
        q.state.dataUpdatedAt,
      );
    },
  });
  const rows: Run[] = runs.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Runs</h1>
        <label className="inline">
          Status
          <select
            value={filter ?? ''}
            onChange={(e) => void navigate({ to: '/teams/$team/runs', params: { team }, search: { status: e.target.value || undefined } })}
          >
            <option value="">All</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
      </div>
      {runs.isPending ? <Loading what="runs" /> : null}
      {runs.isError ? <ErrorState error={runs.error} what="the runs" /> : null}
      {runs.isSuccess && rows.length === 0 ? (
        <Empty>{filter ? `No ${filter.replace('_', ' ')} runs in this team.` : 'No runs yet. Start one with POST /v1/predict, a workflow or a hook.'}</Empty>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Runs of team {team}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Workflow</th>
                <th scope="col">Created</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.run_id}>
                  <td>
                    <Link to="/teams/$team/runs/$runId" params={{ team, runId: r.run_id }} className="mono">
                      {r.run_id}
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{r.workflow ?? '—'}</td>
                  <td>{when(r.created_at)}</td>
                  <td className="num">{money(r.cost_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {runs.hasNextPage ? (
        <button type="button" className="secondary" disabled={runs.isFetchingNextPage} onClick={() => void runs.fetchNextPage()}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
