import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api, ApiFailure, must, teamPath } from '../api/client';
import { useRunEvents } from '../api/run-events';
import { isTerminal, money, when } from '../api/runs';
import { can, useSession } from '../api/session';
import { ErrorState, Loading } from '../shell/States';
import { StatusBadge } from './RunsPage';
import { RunTimeline } from './RunTimeline';

export function RunPage() {
  const { team, runId } = useParams({ from: '/shell/teams/$team/runs/$runId' });
  const { data: principal } = useSession();
  const queryClient = useQueryClient();
  const path = { team, run_id: runId };

  const run = useQuery({
    queryKey: ['run', team, runId],
    queryFn: () => must(api.GET('/api/v1/teams/{team}/runs/{run_id}', { params: { path } })),
  });
  const terminal = !!run.data && isTerminal(run.data.status);
  // Live events over SSE; the run itself is re-read when its status may have changed.
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['run', team, runId] });
  const events = useRunEvents(team, runId, (e) => (e.type.startsWith('run.') ? refresh() : undefined), refresh);
  const result = useQuery({
    queryKey: ['run-result', team, runId, run.data?.status],
    enabled: terminal,
    queryFn: () => must(api.GET('/api/v1/teams/{team}/runs/{run_id}/result', { params: { path } })),
  });
  const cancel = useMutation({
    mutationFn: () => must(api.POST('/api/v1/teams/{team}/runs/{run_id}/cancel', { params: { path } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['run', team, runId] }),
  });

  if (run.isPending) return <Loading what="the run" />;
  if (run.isError) return <ErrorState error={run.error} what="this run" />;
  const r = run.data;
  const list = events.events;
  const screenshots = [
    ...new Set(
      list
        .filter((e) => e.type === 'artifact.saved' && (e.data as { kind?: string }).kind === 'screenshot')
        .map((e) => String((e.data as { name?: string }).name)),
    ),
  ];

  return (
    <article aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">
          Run <span className="mono">{r.run_id}</span>
        </h1>
        {principal && can(principal, team, 'runs.write') && !terminal ? (
          <button type="button" className="danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
            Cancel run
          </button>
        ) : null}
      </div>
      {cancel.error ? <ErrorState error={cancel.error} what="the cancellation" /> : null}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={r.status} />
          {r.error ? ` ${r.error.code}: ${r.error.message}` : ''}
        </dd>
        <dt>Workflow</dt>
        <dd>{r.workflow ?? '—'}</dd>
        <dt>Created</dt>
        <dd>{when(r.created_at)}</dd>
        <dt>Finished</dt>
        <dd>{when(r.finished_at)}</dd>
        <dt>Cost</dt>
        <dd>{money(r.cost_usd)}</dd>
        <dt>Steps completed</dt>
        <dd>{r.steps_completed}</dd>
        <dt>Limits</dt>
        <dd>
          max cost {money(r.limits.max_cost)}, {r.limits.max_time_minutes} min, {r.limits.max_steps} steps, {r.limits.max_loop_iterations} loop iterations
        </dd>
      </dl>

      <h2>Timeline</h2>
      {events.error ? (
        <p role="alert" className="state state-error">
          {events.error}
        </p>
      ) : null}
      <RunTimeline events={list} />

      <h2>Screenshots</h2>
      {screenshots.length === 0 ? (
        <p className="state state-empty">No screenshots.</p>
      ) : (
        <div className="shots">
          {screenshots.map((name) => (
            <figure key={name}>
              <img src={teamPath(team, `runs/${runId}/screenshots/${encodeURIComponent(name)}`)} alt={name} loading="lazy" />
              <figcaption>{name}</figcaption>
            </figure>
          ))}
        </div>
      )}

      <h2>Recording</h2>
      {terminal ? <Recording src={teamPath(team, `runs/${runId}/video`)} /> : <p className="state">The recording is available once the run has finished.</p>}

      <h2>Result</h2>
      {!terminal ? (
        <p className="state">No result yet.</p>
      ) : result.isError ? (
        <ErrorState error={result.error} what="the result" />
      ) : (
        <pre className="json" tabIndex={0} aria-label="Result JSON">
          {JSON.stringify(result.data?.result ?? null, null, 2)}
        </pre>
      )}
    </article>
  );
}

/** The video where one was recorded; otherwise the Playwright trace as a download. */
function Recording({ src }: { src: string }) {
  const [asVideo, setAsVideo] = useState(true);
  const none = useQuery({
    queryKey: ['recording-head', src],
    queryFn: async () => {
      const res = await fetch(src, { method: 'HEAD', credentials: 'same-origin' });
      if (!res.ok) throw new ApiFailure(res.status, 'not_found', 'no recording');
      return res.headers.get('content-type') ?? '';
    },
    retry: false,
  });
  if (none.isPending) return <Loading what="the recording" />;
  if (none.isError) return <p className="state state-empty">This run has no recording.</p>;
  if (asVideo && none.data.startsWith('video/')) {
    return (
      <video controls preload="metadata" src={src} className="video" aria-label="Run recording" onError={() => setAsVideo(false)}>
        <a href={src}>Download the recording</a>
      </video>
    );
  }
  return (
    <p>
      <a href={src} download>
        Download trace
      </a>{' '}
      (open it with <code>npx playwright show-trace</code>)
    </p>
  );
}
