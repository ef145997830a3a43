import { cursorKey, pageOf, type ListPageQuery } from '../../platform/http/pagination.js';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Principal, TeamContext } from '../../platform/auth/principal.js';
import { UniqueViolation } from '../../platform/database/repository-errors.js';
import { ApiError } from '../../platform/http/api-error.js';
import { WebhookUrlValidator } from '../webhooks/webhook-url.validator.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { ArtifactStore } from '../executor/artifact-store.js';
import type { Team, TeamChanges } from './team.js';
import { slugFromName, TEAM_SLUG, type CreateTeamBody, type PatchTeamBody, type TeamSettings, type TeamView } from './teams.schemas.js';
import { TeamsRepository } from './teams.repository.js';

export function teamView(t: Team, role?: TeamView['role']): TeamView {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    source: t.source,
    max_concurrent_runs: t.maxConcurrentRuns,
    max_cost_per_run: t.maxCostPerRun,
    max_time_minutes_per_run: t.maxTimeMinutesPerRun,
    max_steps_per_plan: t.maxStepsPerPlan,
    max_loop_iterations: t.maxLoopIterations,
    rate_limit_per_minute: t.rateLimitPerMinute,
    anthropic_secret_name: t.anthropicSecretName,
    allowed_domains: t.allowedDomains,
    webhook_url: t.webhookUrl,
    webhook_secret_name: t.webhookSecretName,
    monthly_budget_usd: t.monthlyBudgetUsd,
    weight: t.weight,
    ...(role !== undefined ? { role } : {}),
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}

function settingsData(s: TeamSettings): TeamChanges {
  const data: TeamChanges = {};
  if (s.max_concurrent_runs !== undefined) data.maxConcurrentRuns = s.max_concurrent_runs;
  if (s.max_cost_per_run !== undefined) data.maxCostPerRun = s.max_cost_per_run;
  if (s.max_time_minutes_per_run !== undefined) data.maxTimeMinutesPerRun = s.max_time_minutes_per_run;
  if (s.max_steps_per_plan !== undefined) data.maxStepsPerPlan = s.max_steps_per_plan;
  if (s.max_loop_iterations !== undefined) data.maxLoopIterations = s.max_loop_iterations;
  if (s.rate_limit_per_minute !== undefined) data.rateLimitPerMinute = s.rate_limit_per_minute;
  if (s.anthropic_secret_name !== undefined) data.anthropicSecretName = s.anthropic_secret_name;
  if (s.allowed_domains !== undefined) data.allowedDomains = [...new Set(s.allowed_domains)];
  if (s.webhook_url !== undefined) data.webhookUrl = s.webhook_url;
  if (s.webhook_secret_name !== undefined) data.webhookSecretName = s.webhook_secret_name;
  if (s.monthly_budget_usd !== undefined) data.monthlyBudgetUsd = s.monthly_budget_usd;
  if (s.weight !== undefined) data.weight = s.weight;
  return data;
}

/** Teams: created and changed by admins, readable by their members. */
@Injectable()
export class TeamsService {
  constructor(
    @Inject(TeamsRepository) private readonly repo: TeamsRepository,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(WebhookUrlValidator) private readonly webhookUrls: WebhookUrlValidator,
    @Optional() @Inject(ArtifactStore) private readonly artifacts?: ArtifactStore,
  ) {}

  async create(_principal: Principal, body: CreateTeamBody): Promise<TeamView> {
    const { name, slug: given, ...settings } = body;
    const slug = given ?? slugFromName(name);
    await this.webhookUrls.assertAllowed(settings.webhook_url || undefined, 'webhook_url');
    if (!TEAM_SLUG.test(slug)) {
      throw ApiError.validation('Cannot derive a slug from this name: send one', {
        fields: [{ field: 'slug', message: 'required for this name', in: 'body' }],
      });
    }
    const row = await this.repo.create(slug, name, settingsData(settings)).catch((e: unknown) => {
      if (e instanceof UniqueViolation) throw new ApiError('conflict', `A team with the slug "${slug}" already exists`);
      throw e;
    });
    return teamView(row);
  }

  /** Admins see every team; others see the teams they belong to, with their role. */
  async list(principal: Principal, q: ListPageQuery): Promise<{ data: TeamView[]; next_cursor: string | null }> {
    const roles = new Map(principal.memberships.map((m) => [m.teamId, m.role]));
    const rows = await this.repo.list(principal.admin ? undefined : [...roles.keys()], q.limit + 1, cursorKey(q.cursor));
    const page = pageOf(rows, q.limit, (t) => t.slug);
    return { data: page.rows.map((t) => teamView(t, roles.get(t.id) ?? null)), next_cursor: page.next_cursor };
  }

  async get(team: TeamContext): Promise<TeamView> {
    const row = await this.repo.get(team.id);
    if (!row) throw ApiError.notFound('team');
    return teamView(row, team.role);
  }

  async update(team: TeamContext, body: PatchTeamBody): Promise<TeamView> {
    const { name, ...settings } = body;
    await this.webhookUrls.assertAllowed(settings.webhook_url || undefined, 'webhook_url');
    const data = settingsData(settings);
    if (name !== undefined) data.name = name;
    return teamView(await this.repo.update(team.id, data), team.role);
  }

  /** Deletes the team with everything it owns; its service accounts' keys stop working at once. */
  async delete(team: TeamContext): Promise<void> {
    const accounts = await this.repo.serviceAccountIds(team.id);
    for (const id of accounts) await this.keys.revokeAllForUser(id);
    await this.repo.delete(team.id, accounts);
    // Its data directory goes too: a later team with the same slug starts empty.
    await this.artifacts?.removeTenant(team.slug);
  }
}
