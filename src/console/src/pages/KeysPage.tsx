import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../api/client';
import { listKeys, ownerId, rotateKey, revokeKey, type ApiKey, type KeyOwner, type NewKey } from '../api/keys';
import { when } from '../api/runs';
import { useSession, type Principal } from '../api/session';
import { Empty, ErrorState, Loading } from '../shell/States';
import { assignableRoles, ConfirmButton, Field, FormError, fieldError, Modal, ownsTeam, send, useSubmit } from '../ui/forms';
import { CreateKeyDialog, NewKeyDialog } from './KeyDialogs';

/** Service accounts and their keys (team owners, admins) and the signed-in user's own keys. */
export function KeysPage() {
  const { team } = useParams({ from: '/shell/teams/$team/keys' });
  const me = useSession().data as Principal;
  const owner = ownsTeam(me, team);
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState<{ key: NewKey; note?: string } | null>(null);
  const accounts = useQuery({
    queryKey: ['service-accounts', team],
    enabled: owner,
    queryFn: () => send(api.GET('/api/v1/teams/{team}/service-accounts', { params: { path: { team } } })),
  });
  const owners: KeyOwner[] = [
    ...(me.kind === 'user' ? [{ kind: 'user', email: me.email } as const] : []),
    ...(accounts.data?.data ?? []).map((a) => ({ kind: 'service', name: a.name }) as const),
  ];

  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Keys</h1>
        {owners.length > 0 ? (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Create key
          </button>
        ) : null}
      </div>
      {creating ? <CreateKeyDialog team={team} owners={owners} onClose={() => setCreating(false)} /> : null}
      {revealed ? <NewKeyDialog created={revealed.key} note={revealed.note} onClose={() => setRevealed(null)} /> : null}

      {owner ? (
        <>
          <h2>Service accounts</h2>
          {accounts.isPending ? <Loading what="service accounts" /> : null}
          {accounts.isError ? <ErrorState error={accounts.error} what="the service accounts" /> : null}
          {accounts.data?.data.length === 0 ? <Empty>No service accounts yet. Create one for a program that calls Mantis.</Empty> : null}
          {accounts.data?.data.map((a) => (
            <div key={a.name}>
              <KeyList team={team} owner={{ kind: 'service', name: a.name }} title={`${a.name} (${a.role})`} onRotated={setRevealed} />
              <ConfirmButton
                label={`Delete service account ${a.name}`}
                danger
                title={`Delete service account ${a.name}?`}
                body={<p>Its keys stop working at once.</p>}
                onConfirm={async () => {
                  await send(api.DELETE('/api/v1/teams/{team}/service-accounts/{name}', { params: { path: { team, name: a.name } } }));
                  await queryClient.invalidateQueries({ queryKey: ['service-accounts', team] });
                }}
              />
            </div>
          ))}
          <CreateServiceAccount team={team} me={me} />
        </>
      ) : null}
      {me.kind === 'user' ? (
        <>
          <h2>Personal</h2>
          <KeyList team={team} owner={{ kind: 'user', email: me.email }} title={`Personal API credentials of ${me.email}`} hideTitle onRotated={setRevealed} />
        </>
      ) : (
        <Empty>This session belongs to a service credential, which cannot manage keys.</Empty>
      )}
    </section>
  );
}

function KeyList({
  team,
  owner,
  title,
  hideTitle,
  onRotated,
}: {
  team: string;
  owner: KeyOwner;
  title: string;
  hideTitle?: boolean;
  onRotated: (r: { key: NewKey; note?: string }) => void;
}) {
  const keys = useQuery({ queryKey: ['keys', team, ownerId(owner)], queryFn: () => listKeys(team, owner) });
  return (
    <div className="key-list">
      {hideTitle ? null : <h3>{title}</h3>}
      {keys.isPending ? <Loading what="keys" /> : null}
      {keys.isError ? <ErrorState error={keys.error} what="these keys" /> : null}
      {keys.data?.data.length === 0 ? <Empty>None yet.</Empty> : null}
      {keys.data && keys.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                {['Name', 'Prefix', 'Scopes', 'Created', 'Last used', 'Expires', 'Status', 'Actions'].map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {keys.data.data.map((k) => (
                <KeyRow key={k.name} team={team} owner={owner} k={k} onRotated={onRotated} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function KeyRow({ team, owner, k, onRotated }: { team: string; owner: KeyOwner; k: ApiKey; onRotated: (r: { key: NewKey; note?: string }) => void }) {
  const queryClient = useQueryClient();
  const [overlap, setOverlap] = useState('24h');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['keys', team, ownerId(owner)] });
  const expired = k.expires_at !== null && new Date(k.expires_at) <= new Date();
  const live = !k.revoked_at && !expired;
  return (
    <tr>
      <th scope="row">{k.name}</th>
      <td className="mono">{k.prefix}</td>
      <td>{k.scopes.join(', ')}</td>
      <td>{when(k.created_at)}</td>
      <td>{when(k.last_used_at)}</td>
      <td>{k.expires_at ? when(k.expires_at) : 'never'}</td>
      <td>{k.revoked_at ? `Revoked ${when(k.revoked_at)}` : expired ? 'Expired' : 'Active'}</td>
      <td>
        {live && k.source === 'api' ? (
          <div className="actions">
            <ConfirmButton
              label="Rotate"
              title={`Rotate key ${k.name}?`}
              body={<p>A new key replaces it; the old one keeps working until the overlap ends.</p>}
              extra={
                <Field label="Overlap" hint="How long the old key keeps working, e.g. 24h, 30m, 0s.">
                  {(f) => <input {...f} value={overlap} onChange={(e) => setOverlap(e.target.value)} />}
                </Field>
              }
              onConfirm={async () => {
                const created = await rotateKey(team, owner, k.name, overlap.trim());
                await refresh();
                const old = (await queryClient.fetchQuery({ queryKey: ['keys', team, ownerId(owner)], queryFn: () => listKeys(team, owner) })).data.find(
                  (x) => x.prefix === k.prefix,
                );
                onRotated({ key: created, note: `The old key ${k.prefix}… expires ${old?.expires_at ? when(old.expires_at) : 'now'}.` });
              }}
            />
            <ConfirmButton
              label="Revoke"
              danger
              title={`Revoke key ${k.name}?`}
              body={<p>Requests with this key are refused from the next one on. This cannot be undone.</p>}
              onConfirm={async () => {
                await revokeKey(team, owner, k.name);
                await refresh();
              }}
            />
          </div>
        ) : null}
      </td>
    </tr>
  );
}

function CreateServiceAccount({ team, me }: { team: string; me: Principal }) {
  const queryClient = useQueryClient();
  const roles = assignableRoles(me, team);
  const [name, setName] = useState('');
  const [role, setRole] = useState<(typeof roles)[number]>('operator');
  const [open, setOpen] = useState(false);
  const form = useSubmit(
    () => send(api.POST('/api/v1/teams/{team}/service-accounts', { params: { path: { team } }, body: { name: name.trim(), role } })),
    () => {
      setOpen(false);
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['service-accounts', team] });
    },
  );
  if (!open)
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)}>
          Create service account
        </button>
      </p>
    );
  return (
    <Modal title="Create service account" onClose={() => setOpen(false)}>
      <form className="stack" onSubmit={(e) => void form.submit(e)}>
        <Field label="Name" error={fieldError(form.error, 'name')}>
          {(f) => (
            <input
              {...f}
              value={name}
              required
              pattern="[a-z0-9][a-z0-9_\-]{0,62}"
              title="lowercase letters, digits, _ or -"
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Role" error={fieldError(form.error, 'role')}>
          {(f) => (
            <select {...f} value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
              {roles.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          )}
        </Field>
        <FormError error={form.error} shown={['name', 'role']} />
        <div className="actions">
          <button type="submit" className="primary" disabled={form.busy}>
            Create
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
