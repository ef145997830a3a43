import { describe, expect, it } from 'vitest';
import { clampLimits, type GlobalCaps, type RequestedLimits, type TeamCaps } from './limits.js';

const GLOBAL: GlobalCaps = { maxCostUsd: 25, maxRuntimeMinutes: 60, maxStepsPerPlan: 100, maxLoopIterations: 50 };
const TEAM: TeamCaps = { maxCostPerRun: 10, maxTimeMinutesPerRun: 90, maxStepsPerPlan: null, maxLoopIterations: 20 };

// [requested, team, expected {maxCost, maxTimeMinutes, maxSteps, maxLoopIterations}]
const TABLE: [string, RequestedLimits, TeamCaps, [number, number, number, number]][] = [
  ['nothing requested takes the caps', {}, TEAM, [10, 60, 100, 20]],
  ['a smaller request wins', { max_cost: 2.5, max_time_minutes: 5, max_steps: 7, max_loop_iterations: 3 }, TEAM, [2.5, 5, 7, 3]],
  ['a larger request is cut to the team cap', { max_cost: 100, max_loop_iterations: 1000 }, TEAM, [10, 60, 100, 20]],
  ['a larger request is cut to the global cap', { max_time_minutes: 500, max_steps: 10_000 }, TEAM, [10, 60, 100, 20]],
  [
    'team caps above the global cap do not raise it',
    {},
    { maxCostPerRun: 1000, maxTimeMinutesPerRun: 1000, maxStepsPerPlan: 1000, maxLoopIterations: 1000 },
    [25, 60, 100, 50],
  ],
  ['team step cap below the global one applies', { max_steps: 80 }, { ...TEAM, maxStepsPerPlan: 30 }, [10, 60, 30, 20]],
  ['zero cost is kept', { max_cost: 0 }, TEAM, [0, 60, 100, 20]],
];

describe('clampLimits', () => {
  it.each(TABLE)('%s', (_name, requested, team, [maxCost, maxTimeMinutes, maxSteps, maxLoopIterations]) => {
    expect(clampLimits(requested, team, GLOBAL)).toEqual({ maxCost, maxTimeMinutes, maxSteps, maxLoopIterations });
  });
});
