import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../api/client';
import { when } from '../api/runs';
import { useSession, type Principal } from '../api/session';
import { Empty, ErrorState, Loading } from '../shell/States';
import { ConfirmButton, Field, FormError, fieldError, ownsTeam, send, useSubmit } from '../ui/forms';

/** A listed secret; `origins` appears once the server binds secrets to origins. */
type Secret = { name: string; created_at: string; updated_at: string; origins?: string[] };

const parseOrigins = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((o) => o.trim())
    .filter(Boolean);

/** Names, origins and dates of the team's secrets; values go to the server and never come back. */
export function SecretsPage() {
  const { team } = useParams({ from: '/shell/teams/$team/secrets' });
  const me = useSession().data as Principal;
  const manage = ownsTeam(me, team);
  const queryClient = useQueryClient();
  const secrets = useQuery({ queryKey: ['secrets', team], queryFn: () => send(api.GET('/api/v1/teams/{team}/secrets', { params: { path: { team } } })) });
  const rows = (secrets.data?.data ?? []) as Secret[];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Secrets</h1>
      <p className="muted">Plans use a secret as {'{{secrets.NAME}}'} in a fill step. Values are write-only: the console never receives them.</p>
      {secrets.isPending ? <Loading what="secrets" /> : null}
      {secrets.isError ? <ErrorState error={secrets.error} what="the secrets" /> : null}
      {secrets.isSuccess && rows.length === 0 ? <Empty>No secrets in this team yet.</Empty> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Secrets of {team}</caption>
            <thead>
              <tr>
                {['Name', 'Origins', 'Created', 'Updated', ...(manage ? ['Actions'] : [])].map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.name}>
                  <th scope="row" className="mono">
                    {s.name}
                  </th>
                  <td>{s.origins && s.origins.length > 0 ? s.origins.join(', ') : <span className="muted">team allowed domains</span>}</td>
                  <td>{when(s.created_at)}</td>
                  <td>{when(s.updated_at)}</td>
                  {manage ? (
                    <td>
                      <ConfirmButton
                        label="Delete"
                        danger
                        title={`Delete secret ${s.name}?`}
                        body={<p>Runs that use it will fail with secret_not_found.</p>}
                        onConfirm={async () => {
                          await send(api.DELETE('/api/v1/teams/{team}/secrets/{name}', { params: { path: { team, name: s.name } } }));
                          await queryClient.invalidateQueries({ queryKey: ['secrets', team] });
                        }}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {manage ? <SetSecret team={team} /> : null}
    </section>
  );
}

function SetSecret({ team }: { team: string }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [origins, setOrigins] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const form = useSubmit(
    () => {
      setDone(null);
      const list = parseOrigins(origins);
      // Only sent when given, so a server without origin-bound secrets still takes the value.
      const body = list.length > 0 ? { value, origins: list } : { value };
      return send(api.PUT('/api/v1/teams/{team}/secrets/{name}', { params: { path: { team, name: name.trim() } }, body }));
    },
    (s) => {
      setDone(`Secret ${s.name} saved.`);
      setName('');
      setValue('');
      setOrigins('');
      void queryClient.invalidateQueries({ queryKey: ['secrets', team] });
    },
  );
  return (
    <form className="panel stack" aria-labelledby="set-secret" onSubmit={(e) => void form.submit(e)} autoComplete="off">
      <h2 id="set-secret">Set a secret</h2>
      <Field label="Name" error={fieldError(form.error, 'name')} hint="A new name creates the secret; an existing one replaces its value.">
        {(f) => <input {...f} value={name} required pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}" onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Value" error={fieldError(form.error, 'value')}>
        {(f) => <input {...f} type="password" value={value} required autoComplete="new-password" onChange={(e) => setValue(e.target.value)} />}
      </Field>
      <Field
        label="Origins"
        error={fieldError(form.error, 'origins')}
        hint="Hosts where the value may be typed, comma-separated (e.g. login.example.com, *.example.com). Empty: the team's allowed domains."
      >
        {(f) => <input {...f} value={origins} onChange={(e) => setOrigins(e.target.value)} />}
      </Field>
      <FormError error={form.error} shown={['name', 'value', 'origins']} />
      {done ? <p role="status">{done}</p> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={form.busy}>
          Set secret
        </button>
      </div>
    </form>
  );
}
