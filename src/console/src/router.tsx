import { createRootRoute, createRoute, createRouter, Outlet } from '@tanstack/react-router';
import { AdminTeamsPage } from './pages/AdminTeamsPage';
import { AdminUsersPage } from './pages/AdminUsersPage';
import { AuditPage } from './pages/AuditPage';
import { HomePage } from './pages/HomePage';
import { KeysPage } from './pages/KeysPage';
import { LoginPage } from './pages/LoginPage';
import { MembersPage } from './pages/MembersPage';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
import { SecretsPage } from './pages/SecretsPage';
import { UsagePage } from './pages/UsagePage';
import { WebhooksPage } from './pages/WebhooksPage';
import { WorkflowsPage } from './pages/WorkflowsPage';
import { NotFound } from './shell/States';
import { Shell } from './shell/Shell';

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

const rootRoute = createRootRoute({ component: Outlet, notFoundComponent: NotFound });

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  component: LoginPage,
  validateSearch: (s: Record<string, unknown>) => ({ error: str(s.error), return_to: str(s.return_to) }),
});

/** Every page behind sign-in: the shell (navigation, team switcher, user, Sign out) around it. */
const shellRoute = createRoute({ getParentRoute: () => rootRoute, id: 'shell', component: Shell });
const homeRoute = createRoute({ getParentRoute: () => shellRoute, path: '/', component: HomePage });
const teamRoute = createRoute({ getParentRoute: () => shellRoute, path: '/teams/$team', component: Outlet });

const runsRoute = createRoute({
  getParentRoute: () => teamRoute,
  path: '/runs',
  component: RunsPage,
  validateSearch: (s: Record<string, unknown>) => ({ status: str(s.status) }),
});
const runRoute = createRoute({ getParentRoute: () => teamRoute, path: '/runs/$runId', component: RunPage });
const auditRoute = createRoute({ getParentRoute: () => teamRoute, path: '/audit', component: AuditPage });

/** Team administration and platform administration pages. */
const inTeam = <P extends string>(path: P, component: () => React.ReactNode) => createRoute({ getParentRoute: () => teamRoute, path, component });
const inAdmin = <P extends string>(path: P, component: () => React.ReactNode) => createRoute({ getParentRoute: () => shellRoute, path, component });

const routeTree = rootRoute.addChildren([
  loginRoute,
  shellRoute.addChildren([
    homeRoute,
    teamRoute.addChildren([
      runsRoute,
      runRoute,
      auditRoute,
      inTeam('/workflows', WorkflowsPage),
      inTeam('/keys', KeysPage),
      inTeam('/members', MembersPage),
      inTeam('/secrets', SecretsPage),
      inTeam('/webhooks', WebhooksPage),
      inTeam('/usage', UsagePage),
    ]),
    inAdmin('/admin/teams', AdminTeamsPage),
    inAdmin('/admin/users', AdminUsersPage),
  ]),
]);

export const router = createRouter({ routeTree, basepath: '/console', defaultPreload: false, scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
