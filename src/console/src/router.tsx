import { createRootRoute, createRoute, createRouter, Outlet } from '@tanstack/react-router';
import { AuditPage } from './pages/AuditPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { NotAvailableYet } from './pages/NotAvailableYet';
import { RunPage } from './pages/RunPage';
import { RunsPage } from './pages/RunsPage';
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

/** Pages of the team-administration part of the console, not built yet: each says so plainly. */
const laterInTeam = <P extends string>(path: P, title: string) =>
  createRoute({ getParentRoute: () => teamRoute, path, component: () => <NotAvailableYet title={title} /> });
const laterInAdmin = <P extends string>(path: P, title: string) =>
  createRoute({ getParentRoute: () => shellRoute, path, component: () => <NotAvailableYet title={title} /> });

const routeTree = rootRoute.addChildren([
  loginRoute,
  shellRoute.addChildren([
    homeRoute,
    teamRoute.addChildren([
      runsRoute,
      runRoute,
      auditRoute,
      laterInTeam('/workflows', 'Workflows'),
      laterInTeam('/keys', 'Keys'),
      laterInTeam('/members', 'Members'),
      laterInTeam('/secrets', 'Secrets'),
      laterInTeam('/webhooks', 'Webhooks'),
      laterInTeam('/usage', 'Usage'),
    ]),
    laterInAdmin('/admin/teams', 'Teams'),
    laterInAdmin('/admin/users', 'Users'),
  ]),
]);

export const router = createRouter({ routeTree, basepath: '/console', defaultPreload: false, scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
