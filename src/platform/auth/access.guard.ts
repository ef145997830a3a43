import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../http/api-error.js';
import type { MantisRequest } from '../http/request-context.js';
import { ROLE_KEY, SCOPES_KEY, type RoleRequirement } from './auth.decorators.js';
import type { Principal, Scope, TeamContext, TeamRole } from './principal.js';

/** Which team roles satisfy each requirement (the OpenAPI description: roles). Admins satisfy all. */
const SATISFIES: Record<Exclude<RoleRequirement, 'admin'>, readonly TeamRole[]> = {
  viewer: ['viewer', 'operator', 'auditor', 'team_owner'],
  operator: ['operator', 'team_owner'],
  auditor: ['auditor', 'team_owner'],
  team_owner: ['team_owner'],
};

export function hasRole(principal: Principal, team: TeamContext | undefined, required: RoleRequirement): boolean {
  if (principal.admin) return true;
  if (required === 'admin') return false;
  return !!team?.role && SATISFIES[required].includes(team.role);
}

export function hasScopes(principal: Principal, scopes: readonly Scope[]): boolean {
  return scopes.every((s) => principal.scopes.includes(s));
}

/** Reads @RequireScopes and @RequireRole; scope is checked first (a key's limits are its own). */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    const principal = req.principal;
    if (!principal) return true; // public route
    const targets = [ctx.getHandler(), ctx.getClass()];
    const scopes = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_KEY, targets);
    const role = this.reflector.getAllAndOverride<RoleRequirement | undefined>(ROLE_KEY, targets);
    if (scopes?.length && !hasScopes(principal, scopes)) {
      throw new ApiError('insufficient_scope', `This key lacks the scope: ${scopes.filter((s) => !principal.scopes.includes(s)).join(', ')}`);
    }
    if (role && !hasRole(principal, req.team, role)) {
      throw new ApiError('insufficient_role', `This action needs the ${role} role`);
    }
    return true;
  }
}
