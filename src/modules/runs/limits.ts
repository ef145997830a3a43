import type { RunLimits } from '../executor/executor.port.js';

export interface RequestedLimits {
  max_cost?: number;
  max_time_minutes?: number;
  max_steps?: number;
  max_loop_iterations?: number;
}

/** A team's own caps; null means the team sets none and the global cap alone applies. */
export interface TeamCaps {
  maxCostPerRun: number;
  maxTimeMinutesPerRun: number;
  maxStepsPerPlan: number | null;
  maxLoopIterations: number | null;
}

export interface GlobalCaps {
  maxCostUsd: number;
  maxRuntimeMinutes: number;
  maxStepsPerPlan: number;
  maxLoopIterations: number;
}

const smallest = (...values: (number | null | undefined)[]): number =>
  Math.min(...values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));

/**
 * Each effective limit is the smallest of the request's value, the team's cap
 * and the global cap (the OpenAPI description: runs); an absent request value takes the caps.
 */
export function clampLimits(requested: RequestedLimits, team: TeamCaps, global: GlobalCaps): RunLimits {
  return {
    maxCost: smallest(requested.max_cost, team.maxCostPerRun, global.maxCostUsd),
    maxTimeMinutes: smallest(requested.max_time_minutes, team.maxTimeMinutesPerRun, global.maxRuntimeMinutes),
    maxSteps: smallest(requested.max_steps, team.maxStepsPerPlan, global.maxStepsPerPlan),
    maxLoopIterations: smallest(requested.max_loop_iterations, team.maxLoopIterations, global.maxLoopIterations),
  };
}
