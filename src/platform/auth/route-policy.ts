import type { ExecutionContext, Type } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Scope } from './principal.js';
import { IS_PUBLIC_KEY, ROLE_KEY, SCOPES_KEY, TEAM_SCOPED_KEY, type RoleRequirement } from './auth.decorators.js';
import { TARGET_TEAM_KEY, type RouteTargetLookup } from './route-target.js';

/** What a route's decorators ask of the access guards (handler metadata over its controller's). */
export interface RoutePolicy {
  readonly public: boolean;
  readonly teamScoped: boolean;
  readonly scopes: Scope[] | undefined;
  readonly role: RoleRequirement | undefined;
  readonly target: Type<RouteTargetLookup> | undefined;
}

const policies = new WeakMap<object, { type: object; policy: RoutePolicy }>();

/**
 * The route's policy, read from its metadata once per handler: decorators
 * are fixed when the app starts, and reading them through the reflector on
 * every request (five lookups, each walking the prototype chain) was a
 * measurable part of an authenticated request's cost (bench/README.md).
 */
export function routePolicy(reflector: Reflector, ctx: ExecutionContext): RoutePolicy {
  const handler = ctx.getHandler();
  const type = ctx.getClass();
  const known = policies.get(handler);
  if (known?.type === type) return known.policy;
  const targets = [handler, type];
  const policy: RoutePolicy = {
    public: !!reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets),
    teamScoped: !!reflector.getAllAndOverride<boolean>(TEAM_SCOPED_KEY, targets),
    scopes: reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, targets),
    role: reflector.getAllAndOverride<RoleRequirement | undefined>(ROLE_KEY, targets),
    target: reflector.getAllAndOverride<Type<RouteTargetLookup> | undefined>(TARGET_TEAM_KEY, targets),
  };
  policies.set(handler, { type, policy });
  return policy;
}
