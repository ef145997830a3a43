import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, Outlet, useLocation, useNavigate, useParams } from '@tanstack/react-router';
import { api, must, setCsrfToken } from '../api/client';
import { roleIn, useSession, type Principal } from '../api/session';
import { ErrorState, Loading } from './States';

/** Team pages in the navigation, in order; the path under /console/teams/{team}/. */
export const TEAM_PAGES = [
  ['Runs', 'runs'],
  ['Workflows', 'workflows'],
  ['Audit log', 'audit'],
  ['Keys', 'keys'],
  ['Members', 'members'],
  ['Secrets', 'secrets'],
  ['Webhooks', 'webhooks'],
  ['Usage', 'usage'],
] as const;

/** The frame around every signed-in page; sends anyone without a session to the sign-in page. */
export function Shell() {
  const session = useSession();
  if (session.isPending) return <Loading what="your session" />;
  if (session.isError) return <ErrorState error={session.error} what="your session" />;
  if (!session.data) return <Navigate to="/login" search={{ return_to: window.location.pathname + window.location.search, error: undefined }} replace />;
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <Header principal={session.data} />
      <main id="main" className="page">
        <Outlet />
      </main>
    </div>
  );
}

function useTeams(p: Principal): string[] {
  const all = useQuery({
    queryKey: ['teams'],
    enabled: p.admin,
    queryFn: () => must(api.GET('/api/v1/teams')),
  });
  const mine = p.teams.map((t) => t.team);
  return [...new Set([...mine, ...(all.data?.data.map((t) => t.slug) ?? [])])];
}

function Header({ principal }: { principal: Principal }) {
  const params = useParams({ strict: false }) as { team?: string };
  const teams = useTeams(principal);
  const team = params.team ?? teams[0];
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // The page under the current team, kept when switching teams.
  const section = /^\/teams\/[^/]+\/([a-z-]+)/.exec(location.pathname)?.[1] ?? 'runs';

  async function signOut() {
    await api.POST('/auth/logout');
    setCsrfToken(null);
    queryClient.clear();
    await navigate({ to: '/login', search: { error: undefined, return_to: undefined } });
  }

  return (
    <header className="topbar">
      <Link to="/" className="brand">
        Mantis
      </Link>
      {team ? (
        <nav aria-label="Main" className="nav">
          {TEAM_PAGES.map(([label, path]) => (
            <Link key={path} to={`/teams/$team/${path}`} params={{ team }} activeProps={{ 'aria-current': 'page', className: 'active' }}>
              {label}
            </Link>
          ))}
          {principal.admin ? (
            <span className="nav-admin">
              <Link to="/admin/teams" activeProps={{ className: 'active' }}>
                Admin
              </Link>
              <Link to="/admin/teams" activeProps={{ 'aria-current': 'page', className: 'active' }}>
                Teams
              </Link>
              <Link to="/admin/users" activeProps={{ 'aria-current': 'page', className: 'active' }}>
                Users
              </Link>
            </span>
          ) : null}
        </nav>
      ) : null}
      <div className="who">
        {teams.length > 0 ? (
          <label className="team-switch">
            Team
            <select value={team} onChange={(e) => void navigate({ to: `/teams/$team/${section}`, params: { team: e.target.value } })}>
              {teams.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <span className="user" aria-label="Signed in as">
          {principal.email} · {team ? roleIn(principal, team) : principal.admin ? 'admin' : 'no team'}
          {principal.admin && team && roleIn(principal, team) !== 'admin' ? ' · admin' : ''}
        </span>
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
