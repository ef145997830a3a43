import { cursorKey, pageOf, type ListPageQuery } from '../../platform/http/pagination.js';
import { Injectable } from '@nestjs/common';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import { WorkflowsService } from '../workflows/workflows.service.js';
import type { Hook } from './hook.js';
import type { ApplyHook, HookObject } from './hooks.schemas.js';
import { HooksRepository } from './hooks.repository.js';

function toObject(row: Hook): HookObject {
  return {
    path: row.path,
    url: `/hooks/${row.path}`,
    tenant_id: row.team.slug,
    workflow: row.workflowName,
    auth: row.auth,
    rate_limit_per_minute: row.rateLimitPerMinute,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

@Injectable()
export class HooksService {
  constructor(
    private readonly repo: HooksRepository,
    private readonly workflows: WorkflowsService,
  ) {}

  async apply(team: TeamContext, path: string, body: ApplyHook) {
    await this.workflows.get(team, body.workflow); // 404 unless the team has that workflow
    const applied = await this.repo.apply(team.id, path, { workflowName: body.workflow, auth: body.auth, rateLimitPerMinute: body.rate_limit_per_minute });
    if (!applied) throw new ApiError('conflict', 'This hook path is taken', { path });
    return { hook: toObject(applied.row), created: applied.created };
  }

  async list(team: TeamContext, q: ListPageQuery) {
    const page = pageOf(await this.repo.list(team.id, q.limit + 1, cursorKey(q.cursor)), q.limit, (r) => r.path);
    return { data: page.rows.map(toObject), next_cursor: page.next_cursor };
  }

  async get(team: TeamContext, path: string) {
    const row = await this.repo.byPath(path);
    if (!row || row.teamId !== team.id) throw ApiError.notFound('hook');
    return toObject(row);
  }

  async delete(team: TeamContext, path: string): Promise<void> {
    if (!(await this.repo.delete(team.id, path))) throw ApiError.notFound('hook');
  }
}
