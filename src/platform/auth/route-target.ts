import { SetMetadata, type Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { MantisRequest } from '../http/request-context.js';
import type { TeamRef } from './team-directory.js';

export const TARGET_TEAM_KEY = 'mantis:target-team';

/** A route's target as its lookup found it: the team it belongs to and, optionally, anonymous access. */
export interface RouteTarget<T = unknown> {
  /** What the route acts on (e.g. an inbound hook), for the handler. */
  value: T;
  team: TeamRef;
  /**
   * Set when the target takes calls without credentials. Such calls skip
   * authentication and the role and scope checks, and draw from this bucket
   * instead of the team's (a limit of 0 disables it); `policy` names it in
   * the RateLimit headers.
   */
  anonymous?: { bucket: string; limitPerMinute: number; policy: string };
}

/**
 * Finds the target a request's path names (e.g. an inbound hook by its path),
 * or null. The module that owns the target provides it.
 */
export abstract class RouteTargetLookup<T = unknown> {
  /** The name of the 404 (`<kind> not found`) when there is no such target or the principal may not see it. */
  abstract readonly kind: string;
  abstract find(req: MantisRequest): Promise<RouteTarget<T> | null>;
}

/**
 * The route acts in the team of the target its path names, not in a team
 * the caller picks: the global guards look the target up (before
 * authentication, since the target may take anonymous calls), put the
 * principal in the target's team (404 `<kind>` when it is not a member
 * there, as when the target does not exist), then check `@RequireRole` /
 * `@RequireScopes` and the rate limit as for any route.
 */
export const TargetTeam = (lookup: Type<RouteTargetLookup>) => SetMetadata(TARGET_TEAM_KEY, lookup);

/** The route's `@TargetTeam` lookup, or undefined when it has none. */
export function targetLookupOf(moduleRef: ModuleRef, type: Type<RouteTargetLookup> | undefined): RouteTargetLookup | undefined {
  return type ? moduleRef.get(type, { strict: false }) : undefined;
}
