import { useQuery } from '@tanstack/react-query';
import { api, ApiFailure, must, setCsrfToken } from './client';

export type Principal = {
  kind: 'user' | 'service';
  email: string;
  admin: boolean;
  teams: { team: string; role: 'viewer' | 'operator' | 'auditor' | 'team_owner' }[];
  scopes: ('run' | 'status' | 'result' | 'logs')[];
  auth_method: string;
};

/** The signed-in principal with current roles, or null when not signed in. Read fresh on each page load. */
export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async (): Promise<Principal | null> => {
      try {
        const s = await must(api.GET('/auth/session'));
        setCsrfToken(s.csrf_token);
        return s.principal as Principal;
      } catch (e) {
        if (e instanceof ApiFailure && e.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw e;
      }
    },
    staleTime: 30_000,
    retry: false,
  });
}

export type Ability = 'runs.write' | 'audit.read' | 'admin';

/** What the role allows in a team (the server refuses anything else anyway). */
export function can(p: Principal, team: string, what: Ability): boolean {
  if (p.admin) return true;
  const role = p.teams.find((t) => t.team === team)?.role;
  if (what === 'runs.write') return (role === 'operator' || role === 'team_owner') && p.scopes.includes('run');
  if (what === 'audit.read') return role === 'auditor' || role === 'team_owner';
  return false;
}

export function roleIn(p: Principal, team: string): string {
  return p.teams.find((t) => t.team === team)?.role ?? (p.admin ? 'admin' : 'no role');
}
