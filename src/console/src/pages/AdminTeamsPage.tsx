import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { money } from '../api/runs';
import { useSession, type Principal } from '../api/session';
import type { paths } from '../api/schema';
import { Empty, ErrorState, Loading } from '../shell/States';
import { ConfirmButton, Field, FormError, fieldError, Modal, send, useSubmit } from '../ui/forms';

type Team = paths['/api/v1/teams']['get']['responses'][200]['content']['application/json']['data'][number];

/** The caps and budget a team form edits: label, API field, and whether empty means null. */
const CAPS = [
  ['Max concurrent runs', 'max_concurrent_runs', false, '1', '1'],
  ['Max cost per run (USD)', 'max_cost_per_run', false, '0.0001', 'any'],
  ['Max time minutes per run', 'max_time_minutes_per_run', false, '1', '1'],
  ['Rate limit per minute', 'rate_limit_per_minute', false, '0', '1'],
  ['Monthly budget (USD)', 'monthly_budget_usd', true, '0', 'any'],
] as const;
type CapField = (typeof CAPS)[number][1];

type Caps = paths['/api/v1/teams/{team}']['patch']['requestBody']['content']['application/json'];

function capsBody(values: Record<string, string>): Caps {
  const body: Partial<Record<CapField, number | null>> = {};
  for (const [, field, nullable] of CAPS) {
    const v = (values[field] ?? '').trim();
    if (v === '') {
      if (nullable) body[field] = null;
    } else body[field] = Number(v);
  }
  return body as Caps;
}

/** Admins: every team with its caps; create, edit, delete (after typing the slug). */
export function AdminTeamsPage() {
  const me = useSession().data as Principal;
  const teams = useQuery({ queryKey: ['teams'], enabled: me.admin, queryFn: () => send(api.GET('/api/v1/teams')) });
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const queryClient = useQueryClient();
  if (!me.admin) return <ErrorState error={new Error('admins only')} what="the teams" />;
  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Teams</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Create team
        </button>
      </div>
      {teams.isPending ? <Loading what="teams" /> : null}
      {teams.isError ? <ErrorState error={teams.error} what="the teams" /> : null}
      {teams.data?.data.length === 0 ? <Empty>No teams.</Empty> : null}
      {teams.data && teams.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">All teams</caption>
            <thead>
              <tr>
                {['Slug', 'Name', 'Concurrent runs', 'Cost per run', 'Minutes per run', 'Rate per minute', 'Monthly budget', 'Actions'].map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {teams.data.data.map((t) => (
                <tr key={t.slug}>
                  <th scope="row" className="mono">
                    {t.slug}
                  </th>
                  <td>{t.name}</td>
                  <td className="num">{t.max_concurrent_runs}</td>
                  <td className="num">{money(t.max_cost_per_run)}</td>
                  <td className="num">{t.max_time_minutes_per_run}</td>
                  <td className="num">{t.rate_limit_per_minute === 0 ? 'off' : t.rate_limit_per_minute}</td>
                  <td className="num">{t.monthly_budget_usd === null ? 'none' : money(t.monthly_budget_usd)}</td>
                  <td>
                    <div className="actions">
                      <button type="button" onClick={() => setEditing(t)}>
                        Edit
                      </button>
                      <ConfirmButton
                        label="Delete"
                        danger
                        title={`Delete team ${t.slug}?`}
                        body={<p>Its runs, workflows, secrets, keys and data directory are deleted. This cannot be undone.</p>}
                        typeToConfirm={t.slug}
                        typeLabel="Slug"
                        onConfirm={async () => {
                          await send(api.DELETE('/api/v1/teams/{team}', { params: { path: { team: t.slug } } }));
                          await queryClient.invalidateQueries({ queryKey: ['teams'] });
                        }}
                      />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing ? <TeamDialog team={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </section>
  );
}

function TeamDialog({ team, onClose }: { team: Team | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(team?.name ?? '');
  const [slug, setSlug] = useState('');
  const [caps, setCaps] = useState<Record<string, string>>(() =>
    Object.fromEntries(CAPS.map(([, f]) => [f, team ? (team[f] === null ? '' : String(team[f])) : ''])),
  );
  const form = useSubmit(
    (idempotencyKey) =>
      team
        ? send(api.PATCH('/api/v1/teams/{team}', { params: { path: { team: team.slug } }, body: { name: name.trim(), ...capsBody(caps) } }))
        : send(
            api.POST('/api/v1/teams', {
              body: { name: name.trim(), slug: slug.trim() || undefined, ...capsBody(caps) },
              headers: { 'Idempotency-Key': idempotencyKey },
            }),
          ),
    () => {
      void queryClient.invalidateQueries({ queryKey: ['teams'] });
      onClose();
    },
  );
  return (
    <Modal title={team ? `Edit team ${team.slug}` : 'Create team'} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void form.submit(e)}>
        <Field label="Name" error={fieldError(form.error, 'name')}>
          {(f) => <input {...f} value={name} required onChange={(e) => setName(e.target.value)} />}
        </Field>
        {team ? null : (
          <Field label="Slug" error={fieldError(form.error, 'slug')} hint="Lowercase letters, digits, _ and -; empty: made from the name.">
            {(f) => <input {...f} value={slug} pattern="[a-z0-9][a-z0-9_\-]{0,62}" onChange={(e) => setSlug(e.target.value)} />}
          </Field>
        )}
        {CAPS.map(([label, field, , min, step]) => (
          <Field key={field} label={label} error={fieldError(form.error, field)} hint={team ? undefined : 'Empty: the default.'}>
            {(f) => (
              <input {...f} type="number" min={min} step={step} value={caps[field]} onChange={(e) => setCaps((c) => ({ ...c, [field]: e.target.value }))} />
            )}
          </Field>
        ))}
        <FormError error={form.error} shown={['name', 'slug', ...CAPS.map(([, f]) => f)]} />
        <div className="actions">
          <button type="submit" className="primary" disabled={form.busy}>
            {team ? 'Save' : 'Create'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
