import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../../platform/auth/auth.decorators.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { pendingMigrations } from '../../platform/database/migrator.js';
import { ApiError } from '../../platform/http/api-error.js';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {}

  /** Liveness: the process answers. Never touches the database. */
  @Get(['health', 'v1/health', 'healthz'])
  live() {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration is applied. */
  @Get('readyz')
  @HealthCheck()
  async ready() {
    try {
      return await this.health.check([() => this.database(), () => this.migrations()]);
    } catch (e) {
      const details = (e as { response?: unknown }).response;
      throw new ApiError('service_unavailable', 'Not ready', details);
    }
  }

  private async database() {
    const probe = this.indicator.check('database');
    try {
      await this.prisma.$queryRawUnsafe('SELECT 1');
      return probe.up();
    } catch (e) {
      return probe.down({ message: 'database unreachable' });
    }
  }

  private async migrations() {
    const probe = this.indicator.check('migrations');
    try {
      const pending = await pendingMigrations((sql) => this.prisma.$queryRawUnsafe(sql));
      return pending.length === 0 ? probe.up() : probe.down({ pending });
    } catch {
      return probe.down({ message: 'migration state unknown' });
    }
  }
}
