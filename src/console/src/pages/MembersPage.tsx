import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../api/client';
import { when } from '../api/runs';
import { useSession, type Principal } from '../api/session';
import type { paths } from '../api/schema';
import { Empty, ErrorState, Loading } from '../shell/States';
import { assignableRoles, ConfirmButton, Field, FormError, fieldError, ownsTeam, send, useSubmit, type TeamRole } from '../ui/forms';

type Member = paths['/api/v1/teams/{team}/members']['get']['responses'][200]['content']['application/json']['data'][number];

/** Members and their roles; owners add members and change roles within what their role may assign. */
export function MembersPage() {
  const { team } = useParams({ from: '/shell/teams/$team/members' });
  const me = useSession().data as Principal;
  const members = useQuery({ queryKey: ['members', team], queryFn: () => send(api.GET('/api/v1/teams/{team}/members', { params: { path: { team } } })) });
  const manage = ownsTeam(me, team);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Members</h1>
      {members.isPending ? <Loading what="members" /> : null}
      {members.isError ? <ErrorState error={members.error} what="the members" /> : null}
      {members.data?.data.length === 0 ? <Empty>No members.</Empty> : null}
      {members.data && members.data.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Members of {team}</caption>
            <thead>
              <tr>
                {['Email', 'Name', 'Kind', 'Role', 'Since', ...(manage ? ['Actions'] : [])].map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {members.data.data.map((m) => (
                <MemberRow key={m.email} team={team} me={me} m={m} manage={manage} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {manage ? <AddMember team={team} me={me} /> : null}
    </section>
  );
}

function MemberRow({ team, me, m, manage }: { team: string; me: Principal; m: Member; manage: boolean }) {
  const queryClient = useQueryClient();
  const roles = assignableRoles(me, team);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // A select can only offer what the signed-in role may assign; a role outside that stays read-only.
  const editable = manage && roles.includes(m.role) && m.email !== me.email;
  async function assign(role: TeamRole) {
    setError(null);
    setSaved(null);
    try {
      await send(api.PUT('/api/v1/users/{email}/role', { params: { path: { email: m.email } }, body: { team, role } }));
      setSaved(`Role of ${m.email} is now ${role}.`);
      await queryClient.invalidateQueries({ queryKey: ['members', team] });
    } catch (e) {
      setError(e);
    }
  }
  return (
    <tr>
      <th scope="row">{m.email}</th>
      <td>{m.name}</td>
      <td>{m.kind === 'service' ? 'service account' : 'user'}</td>
      <td>
        {editable ? (
          <label className="inline">
            <span className="sr-only">Role of {m.email}</span>
            <select aria-label="Role" value={m.role} onChange={(e) => void assign(e.target.value as TeamRole)}>
              {roles.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
        ) : (
          m.role
        )}
        {saved ? (
          <span role="status" className="muted">
            {' '}
            {saved}
          </span>
        ) : null}
        <FormError error={error} />
      </td>
      <td>{when(m.since)}</td>
      {manage ? (
        <td>
          {m.email !== me.email && (me.admin || m.role !== 'team_owner') ? (
            <ConfirmButton
              label="Remove"
              danger
              title={`Remove ${m.email} from ${team}?`}
              body={<p>Their access to this team ends at once; the user and their other teams stay.</p>}
              onConfirm={async () => {
                await send(api.DELETE('/api/v1/teams/{team}/members/{email}', { params: { path: { team, email: m.email } } }));
                await queryClient.invalidateQueries({ queryKey: ['members', team] });
              }}
            />
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

function AddMember({ team, me }: { team: string; me: Principal }) {
  const queryClient = useQueryClient();
  const roles = assignableRoles(me, team);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<TeamRole>('viewer');
  const [done, setDone] = useState<string | null>(null);
  const form = useSubmit(
    (idempotencyKey) => {
      setDone(null);
      return send(
        api.POST('/api/v1/teams/{team}/members', {
          params: { path: { team } },
          body: { email: email.trim(), role, name: name.trim() || undefined },
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      );
    },
    (m) => {
      setDone(`${m.email} is now ${m.role} in ${team}.`);
      setEmail('');
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['members', team] });
    },
  );
  return (
    <form className="panel stack" aria-labelledby="add-member" onSubmit={(e) => void form.submit(e)}>
      <h2 id="add-member">Add a member</h2>
      <p className="muted">
        {me.admin
          ? 'Admins may add any user, new or existing.'
          : 'Team owners may add new users, or change users already in this team; moving a member of another team is for admins.'}
      </p>
      <Field label="Email" error={fieldError(form.error, 'email')}>
        {(f) => <input {...f} type="email" value={email} required onChange={(e) => setEmail(e.target.value)} />}
      </Field>
      <Field label="Name" error={fieldError(form.error, 'name')} hint="For a new user; defaults to the part of the email before @.">
        {(f) => <input {...f} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Role" error={fieldError(form.error, 'role')}>
        {(f) => (
          <select {...f} value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
            {roles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        )}
      </Field>
      <FormError error={form.error} shown={['email', 'name', 'role']} />
      {done ? <p role="status">{done}</p> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={form.busy}>
          Add member
        </button>
      </div>
    </form>
  );
}
