import { cursorKey, pageOf, type ListPageQuery } from '../../platform/http/pagination.js';
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import { requestHash } from '../../platform/http/idempotency.interceptor.js';
import type { Plan } from './plan.schema.js';
import type { Workflow } from './workflow.js';
import type { ApplyWorkflow, WorkflowObject } from './workflows.schemas.js';
import { WorkflowsRepository } from './workflows.repository.js';

function toObject(row: Workflow, teamSlug: string): WorkflowObject {
  return {
    name: row.name,
    tenant_id: teamSlug,
    description: row.description,
    version: row.version,
    plan: row.plan,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Named, versioned plans of a team (the OpenAPI description: workflows). */
@Injectable()
export class WorkflowsService {
  constructor(private readonly repo: WorkflowsRepository) {}

  async apply(team: TeamContext, name: string, body: ApplyWorkflow): Promise<{ workflow: WorkflowObject; created: boolean }> {
    const description = body.description ?? '';
    // The digest covers the canonical definition: key order in the request does not bump the version.
    const digest = createHash('sha256')
      .update(requestHash('WORKFLOW', name, { plan: body.plan, description }))
      .digest('hex');
    const { row, created } = await this.repo.apply(team.id, name, { plan: body.plan, description, digest });
    return { workflow: toObject(row, team.slug), created };
  }

  async list(team: TeamContext, q: ListPageQuery): Promise<{ data: WorkflowObject[]; next_cursor: string | null }> {
    const page = pageOf(await this.repo.list(team.id, q.limit + 1, cursorKey(q.cursor)), q.limit, (r) => r.name);
    return { data: page.rows.map((r) => toObject(r, team.slug)), next_cursor: page.next_cursor };
  }

  async get(team: TeamContext, name: string): Promise<WorkflowObject> {
    return toObject(await this.row(team, name), team.slug);
  }

  async delete(team: TeamContext, name: string): Promise<void> {
    if (!(await this.repo.delete(team.id, name))) throw ApiError.notFound('workflow');
  }

  /** The stored plan to run; `plans/<name>` is accepted as the name. */
  async planFor(team: TeamContext, ref: string): Promise<{ name: string; version: number; plan: Plan }> {
    const name = ref.startsWith('plans/') ? ref.slice('plans/'.length) : ref;
    const row = await this.row(team, name);
    return { name: row.name, version: row.version, plan: row.plan as Plan };
  }

  private async row(team: TeamContext, name: string): Promise<Workflow> {
    const row = name.length <= 128 ? await this.repo.find(team.id, name) : null;
    if (!row) throw ApiError.notFound('workflow');
    return row;
  }
}
