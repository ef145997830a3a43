/** A team as the request pipeline knows it. */
export interface TeamRef {
  id: string;
  slug: string;
}

/**
 * What the request pipeline needs to know about teams beyond the
 * principal's memberships: a team an admin names by slug, and a team's
 * request rate limit. The teams module provides the implementation.
 */
export abstract class TeamDirectory {
  /** The team with this slug, or null. Who may act in it is the caller's decision (see `access.ts`). */
  abstract bySlug(slug: string): Promise<TeamRef | null>;

  /** The team's requests per minute (0: unlimited) and slug, or null when it no longer exists. */
  abstract rateLimitOf(teamId: string): Promise<{ slug: string; limit: number } | null>;
}
