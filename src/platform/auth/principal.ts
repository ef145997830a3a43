export const SCOPES = ['run', 'status', 'result', 'logs'] as const;
export type Scope = (typeof SCOPES)[number];

/** Team roles, lowest first. `auditor` sits outside the viewer < operator < team_owner ladder. */
export const TEAM_ROLES = ['viewer', 'operator', 'auditor', 'team_owner'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export type AuthMethod = 'api_key' | 'tenant_token' | 'single_tenant' | 'oidc';

export interface PrincipalMembership {
  teamId: string;
  teamSlug: string;
  role: TeamRole;
}

/** Who is calling, resolved once per request by the AuthGuard. */
export interface Principal {
  kind: 'user' | 'service';
  userId: string;
  email: string;
  admin: boolean;
  memberships: PrincipalMembership[];
  /** What the credential may do on the run API; all four for OIDC sessions. */
  scopes: Scope[];
  authMethod: AuthMethod;
  /** The API key (or imported token) used, when there was one. */
  keyId?: string;
  keyPrefix?: string;
  /** When the API key used expires (null: never); keys it creates may not outlive it. */
  keyExpiresAt?: Date | null;
  /** Set when the request was authenticated by the console session cookie. */
  sessionId?: string;
}

/** The team a request acts in, resolved after authentication. */
export interface TeamContext {
  id: string;
  slug: string;
  /** The principal's role in it; admins not in the team act as `team_owner`-equivalent via `admin`. */
  role: TeamRole | null;
}
