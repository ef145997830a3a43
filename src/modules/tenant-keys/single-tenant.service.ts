import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { tokensEqual } from '../../platform/auth/api-key-format.js';
import { SCOPES, type Principal } from '../../platform/auth/principal.js';
import { TenantKeysRepository, type ServiceIdentity } from './tenant-keys.repository.js';

/**
 * Single-tenant mode (the OpenAPI description: authentication): with MANTIS_API_TOKEN set and no keys file,
 * that token acts as a service account with role operator in team `default`,
 * with all four scopes.
 */
@Injectable()
export class SingleTenantService implements OnApplicationBootstrap {
  private identity?: Promise<ServiceIdentity>;

  constructor(
    private readonly repo: TenantKeysRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return !!this.config.apiToken && !this.config.tenantKeysPath;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.enabled) await this.ensure();
  }

  /** The principal when `token` is the single-tenant token, else null (constant-time comparison). */
  async match(token: string): Promise<Principal | null> {
    if (!this.enabled || !tokensEqual(token, this.config.apiToken!)) return null;
    const id = await this.ensure();
    return {
      kind: 'service',
      userId: id.userId,
      email: id.email,
      admin: false,
      memberships: [{ teamId: id.teamId, teamSlug: id.teamSlug, role: 'operator' }],
      scopes: [...SCOPES],
      authMethod: 'single_tenant',
    };
  }

  private ensure(): Promise<ServiceIdentity> {
    this.identity ??= this.repo.ensureSingleTenant().catch((e) => {
      this.identity = undefined;
      throw e;
    });
    return this.identity;
  }
}
