import { cursorKey, pageOf, type ListPageQuery } from '../../platform/http/pagination.js';
import { Inject, Injectable } from '@nestjs/common';
import type { TeamContext } from '../../platform/auth/principal.js';
import { ApiError } from '../../platform/http/api-error.js';
import { SecretsRepository, type SecretRow } from './secrets.repository.js';
import type { SecretView } from './secrets.schemas.js';
import { VaultService } from './vault.service.js';

function view(r: SecretRow): SecretView {
  return { name: r.name, origins: r.origins, created_at: r.createdAt.toISOString(), updated_at: r.updatedAt.toISOString() };
}

/** The team vault over REST: values go in, only names and timestamps come out. */
@Injectable()
export class SecretsService {
  constructor(
    @Inject(SecretsRepository) private readonly repo: SecretsRepository,
    @Inject(VaultService) private readonly vault: VaultService,
  ) {}

  async put(team: TeamContext, name: string, value: string, origins?: string[]): Promise<{ created: boolean; secret: SecretView }> {
    const sealed = await this.vault.encrypt(team.id, name, value);
    const { created, row } = await this.repo.upsert(team.id, name, { ...sealed, origins });
    return { created, secret: view(row) };
  }

  async list(team: TeamContext, q: ListPageQuery): Promise<{ data: SecretView[]; next_cursor: string | null }> {
    const page = pageOf(await this.repo.list(team.id, q.limit + 1, cursorKey(q.cursor)), q.limit, (r) => r.name);
    return { data: page.rows.map(view), next_cursor: page.next_cursor };
  }

  async delete(team: TeamContext, name: string): Promise<void> {
    if (!(await this.repo.delete(team.id, name))) throw ApiError.notFound('secret');
  }
}
