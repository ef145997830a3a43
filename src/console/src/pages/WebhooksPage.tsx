import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../api/client';
import { when } from '../api/runs';
import { useSession, type Principal } from '../api/session';
import { Empty, ErrorState, Loading } from '../shell/States';
import { Field, FormError, fieldError, send, useSubmit } from '../ui/forms';

/** The team's outbound webhook: its URL setting and the deliveries, newest first, with "Retry" for failed ones. */
export function WebhooksPage() {
  const { team } = useParams({ from: '/shell/teams/$team/webhooks' });
  const me = useSession().data as Principal;
  const queryClient = useQueryClient();
  const [retryError, setRetryError] = useState<unknown>(null);
  const deliveries = useInfiniteQuery({
    queryKey: ['webhook-deliveries', team],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      send(api.GET('/api/v1/teams/{team}/webhook-deliveries', { params: { path: { team }, query: { cursor: pageParam, limit: 50 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Pending deliveries move on their own; look again while any is pending.
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.data.some((d) => d.status === 'pending')) ? 1000 : false),
  });
  const rows = deliveries.data?.pages.flatMap((p) => p.data) ?? [];
  async function retry(id: string) {
    setRetryError(null);
    try {
      await send(api.POST('/api/v1/teams/{team}/webhook-deliveries/{id}/retry', { params: { path: { team, id } } }));
      await queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', team] });
    } catch (e) {
      setRetryError(e);
    }
  }
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Webhooks</h1>
      <WebhookUrl team={team} me={me} />
      <h2>Deliveries</h2>
      <FormError error={retryError} />
      {deliveries.isPending ? <Loading what="deliveries" /> : null}
      {deliveries.isError ? <ErrorState error={deliveries.error} what="the webhook deliveries" /> : null}
      {deliveries.isSuccess && rows.length === 0 ? <Empty>No deliveries yet: one is sent when a run ends.</Empty> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Webhook deliveries of {team}, newest first</caption>
            <thead>
              <tr>
                {['Created', 'Run', 'URL', 'Status', 'Attempts', 'Last response', 'Next attempt', 'Actions'].map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td>{when(d.created_at)}</td>
                  <td className="mono">{d.run_id ?? '—'}</td>
                  <td className="mono clip" title={d.url}>
                    {d.url}
                  </td>
                  <td>
                    <span className={`badge delivery-${d.status}`}>{d.status}</span>
                  </td>
                  <td className="num">{d.attempts}</td>
                  <td>{d.last_status_code ?? (d.last_error ? <span title={d.last_error}>no response</span> : '—')}</td>
                  <td>{d.next_attempt_at ? when(d.next_attempt_at) : '—'}</td>
                  <td>
                    {d.status === 'failed' ? (
                      <button type="button" onClick={() => void retry(d.id)}>
                        Retry
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {deliveries.hasNextPage ? (
        <button type="button" disabled={deliveries.isFetchingNextPage} onClick={() => void deliveries.fetchNextPage()}>
          Load more
        </button>
      ) : null}
    </section>
  );
}

/** Team settings are changed by admins (PATCH /api/v1/teams/{team}); members see the URL. */
function WebhookUrl({ team, me }: { team: string; me: Principal }) {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['team', team], queryFn: () => send(api.GET('/api/v1/teams/{team}', { params: { path: { team } } })) });
  const [url, setUrl] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const current = settings.data?.webhook_url ?? '';
  const form = useSubmit(
    () => send(api.PATCH('/api/v1/teams/{team}', { params: { path: { team } }, body: { webhook_url: (url ?? current).trim() } })),
    (t) => {
      setDone(t.webhook_url ? `Deliveries now go to ${t.webhook_url}.` : 'No webhook URL: runs without a callback_url send nothing.');
      setUrl(null);
      void queryClient.invalidateQueries({ queryKey: ['team', team] });
    },
  );
  if (settings.isPending) return <Loading what="the webhook setting" />;
  if (settings.isError) return <ErrorState error={settings.error} what="the team's settings" />;
  if (!me.admin)
    return (
      <p>
        Webhook URL: <span className="mono">{current || 'none'}</span>
        <span className="muted"> (an administrator changes it)</span>
      </p>
    );
  return (
    <form className="panel stack" aria-labelledby="webhook-url" onSubmit={(e) => void form.submit(e)}>
      <h2 id="webhook-url">Team webhook</h2>
      <Field
        label="Webhook URL"
        error={fieldError(form.error, 'webhook_url')}
        hint="Where run.completed events go when a run names no callback_url. Empty: none."
      >
        {(f) => <input {...f} type="url" value={url ?? current} onChange={(e) => setUrl(e.target.value)} />}
      </Field>
      <FormError error={form.error} shown={['webhook_url']} />
      {done ? <p role="status">{done}</p> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={form.busy}>
          Save
        </button>
      </div>
    </form>
  );
}
