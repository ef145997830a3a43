import { Navigate } from '@tanstack/react-router';
import { useSession } from '../api/session';
import { Empty } from '../shell/States';

/** `/console/`: the runs of the user's first team. */
export function HomePage() {
  const { data: p } = useSession();
  if (!p) return null;
  const first = p.teams[0]?.team;
  if (first) return <Navigate to="/teams/$team/runs" params={{ team: first }} search={{ status: undefined }} replace />;
  if (p.admin) return <Navigate to="/admin/teams" replace />;
  return (
    <section>
      <h1>Welcome</h1>
      <Empty>You are not a member of any team yet. Ask a team owner or an administrator to add you.</Empty>
    </section>
  );
}
