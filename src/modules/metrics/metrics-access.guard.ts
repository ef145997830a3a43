import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { PrincipalResolver } from '../../platform/auth/principal-resolver.js';
import { ApiError } from '../../platform/http/api-error.js';
import type { MantisRequest } from '../../platform/http/request-context.js';

/**
 * `/metrics` is public by default; with MANTIS_METRICS_AUTH=admin it needs an
 * admin principal (401 without or with bad credentials, 403 for non-admins).
 * The route is @Public() so the global AuthGuard lets it through either way.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PrincipalResolver) private readonly resolver: PrincipalResolver,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.config.metricsAuth !== 'admin') return true;
    const req = ctx.switchToHttp().getRequest<MantisRequest>();
    req.principal = await this.resolver.resolve(req);
    if (!req.principal.admin) throw new ApiError('insufficient_role', 'Metrics are available to admins only');
    return true;
  }
}
