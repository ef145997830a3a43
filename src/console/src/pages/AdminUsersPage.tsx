import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { when } from '../api/runs';
import { useSession, type Principal } from '../api/session';
import type { paths } from '../api/schema';
import { Empty, ErrorState, Loading } from '../shell/States';
import { ConfirmButton, Field, FormError, fieldError, Modal, send, TEAM_ROLES, useSubmit } from '../ui/forms';

type User = paths['/api/v1/users']['get']['responses'][200]['content']['application/json']['data'][number];
const ROLES = [...TEAM_ROLES, 'admin'] as const;
type AnyRole = (typeof ROLES)[number];

/** Admins: every user with their teams and roles; create, assign a role, delete. */
export function AdminUsersPage() {
  const me = useSession().data as Principal;
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'role'; user: User } | null>(null);
  const users = useInfiniteQuery({
    queryKey: ['users'],
    enabled: me.admin,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => send(api.GET('/api/v1/users', { params: { query: { cursor: pageParam, limit: 100 } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  if (!me.admin) return <ErrorState error={new Error('admins only')} what="the users" />;
  const rows = users.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section aria-labelledby="page-title">
      <div className="page-head">
        <h1 id="page-title">Users</h1>
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
          Create user
        </button>
      </div>
      {users.isPending ? <Loading what="users" /> : null}
      {users.isError ? <ErrorState error={users.error} what="the users" /> : null}
      {users.isSuccess && rows.length === 0 ? <Empty>No users.</Empty> : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">All users</caption>
            <thead>
              <tr>
                {['Email', 'Name', 'Kind', 'Teams and roles', 'Created', 'Actions'].map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr key={u.email}>
                  <th scope="row">{u.email}</th>
                  <td>{u.name}</td>
                  <td>{u.kind === 'service' ? 'service account' : 'user'}</td>
                  <td>{[...(u.admin ? ['admin'] : []), ...u.teams.map((t) => `${t.team}: ${t.role}`)].join(', ') || '—'}</td>
                  <td>{when(u.created_at)}</td>
                  <td>
                    <div className="actions">
                      <button type="button" onClick={() => setDialog({ kind: 'role', user: u })}>
                        Change role
                      </button>
                      {u.email !== me.email ? (
                        <ConfirmButton
                          label="Delete"
                          danger
                          title={`Delete user ${u.email}?`}
                          body={<p>Their keys and sessions stop working at once. This cannot be undone.</p>}
                          onConfirm={async () => {
                            await send(api.DELETE('/api/v1/users/{email}', { params: { path: { email: u.email } } }));
                            await queryClient.invalidateQueries({ queryKey: ['users'] });
                          }}
                        />
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {users.hasNextPage ? (
        <button type="button" onClick={() => void users.fetchNextPage()}>
          Load more
        </button>
      ) : null}
      {dialog ? <UserDialog user={dialog.kind === 'role' ? dialog.user : null} onClose={() => setDialog(null)} /> : null}
    </section>
  );
}

/** Create a user (email, name, team, role), or give an existing one a role in a team. */
function UserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const teams = useQuery({ queryKey: ['teams'], queryFn: () => send(api.GET('/api/v1/teams')) });
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [team, setTeam] = useState(user?.teams[0]?.team ?? '');
  const [role, setRole] = useState<AnyRole>(user?.teams[0]?.role ?? 'viewer');
  const slugs = teams.data?.data.map((t) => t.slug) ?? [];
  const chosen = team || slugs[0] || '';
  const form = useSubmit(
    (idempotencyKey) =>
      user
        ? send(api.PUT('/api/v1/users/{email}/role', { params: { path: { email: user.email } }, body: { team: chosen, role } }))
        : send(
            api.POST('/api/v1/users', { body: { email: email.trim(), name: name.trim(), team: chosen, role }, headers: { 'Idempotency-Key': idempotencyKey } }),
          ),
    () => {
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      onClose();
    },
  );
  return (
    <Modal title={user ? `Role of ${user.email}` : 'Create user'} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void form.submit(e)}>
        {user ? null : (
          <>
            <Field label="Email" error={fieldError(form.error, 'email')}>
              {(f) => <input {...f} type="email" value={email} required onChange={(e) => setEmail(e.target.value)} />}
            </Field>
            <Field label="Name" error={fieldError(form.error, 'name')}>
              {(f) => <input {...f} value={name} required onChange={(e) => setName(e.target.value)} />}
            </Field>
          </>
        )}
        <Field label="Team" error={fieldError(form.error, 'team')}>
          {(f) => (
            <select {...f} value={chosen} onChange={(e) => setTeam(e.target.value)}>
              {slugs.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Role" error={fieldError(form.error, 'role')} hint="admin makes a global administrator (and team_owner of the team).">
          {(f) => (
            <select {...f} value={role} onChange={(e) => setRole(e.target.value as AnyRole)}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          )}
        </Field>
        <FormError error={form.error} shown={['email', 'name', 'team', 'role']} />
        <div className="actions">
          <button type="submit" className="primary" disabled={form.busy}>
            {user ? 'Save' : 'Create'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
