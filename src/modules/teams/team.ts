/** Where a team came from: the API, the tenant keys file, or the single-tenant default. */
export const TEAM_SOURCES = ['api', 'keys_file', 'env'] as const;
export type TeamSource = (typeof TEAM_SOURCES)[number];

/** A team as the teams module works with it (what `TeamsRepository` returns). */
export interface Team {
  id: string;
  slug: string;
  name: string;
  source: TeamSource;
  maxConcurrentRuns: number;
  maxCostPerRun: number;
  maxTimeMinutesPerRun: number;
  maxStepsPerPlan: number | null;
  maxLoopIterations: number | null;
  rateLimitPerMinute: number;
  anthropicSecretName: string;
  allowedDomains: string[];
  webhookUrl: string;
  webhookSecretName: string;
  monthlyBudgetUsd: number | null;
  weight: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields a create or a patch may set; omitted ones keep their (default) value. */
export type TeamChanges = Partial<Omit<Team, 'id' | 'slug' | 'source' | 'createdAt' | 'updatedAt'>>;
