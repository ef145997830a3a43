import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Public } from '../../platform/auth/auth.decorators.js';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { pendingMigrations } from '../../platform/database/migrator.js';
import { ApiError } from '../../platform/http/api-error.js';
import { PROCESS_ROLES, type ProcessRole } from '../../platform/process-roles.js';
import { RATE_LIMIT_REDIS } from '../rate-limit/rate-limit.module.js';
import { SystemSettingsRepository, verifyMasterKey } from '../secrets/master-key-verify.js';
import { CHROMIUM_FIX, checkDataDir, checkExecutable, checkRedis } from './deployment-checks.js';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROCESS_ROLES) private readonly roles: ProcessRole[],
    @Inject(RATE_LIMIT_REDIS) private readonly redis: Redis | null,
  ) {}

  /** Liveness: the process answers. Never touches the database. */
  @Get(['health', 'v1/health', 'healthz'])
  live() {
    return { status: 'ok' };
  }

  /**
   * Readiness: the cheap part of `mantis doctor`. The database answers with
   * every migration applied, the master key is the database's, the data
   * directory is writable, Redis answers (when configured) and, where this
   * process runs the worker, the Chromium executable is there. Failures name
   * the check, not paths or keys: `mantis doctor` says the rest.
   */
  @Get('readyz')
  @ApiOperation({ summary: 'Readiness (503 with the failing checks; `mantis doctor` explains each)' })
  @HealthCheck()
  async ready() {
    const checks: HealthIndicatorFunction[] = [() => this.database(), () => this.migrations(), () => this.masterKey(), () => this.dataDir()];
    if (this.config.redisUrl) checks.push(() => this.redisUp());
    if (this.roles.includes('worker')) checks.push(() => this.chromium());
    try {
      return await this.health.check(checks);
    } catch (e) {
      const details = (e as { response?: unknown }).response;
      throw new ApiError('service_unavailable', 'Not ready', details);
    }
  }

  private async database() {
    const probe = this.indicator.check('database');
    try {
      // Readiness of the database itself, no team's data.
      await this.prisma.system(() => this.prisma.$queryRawUnsafe('SELECT 1'), { transaction: false });
      return probe.up();
    } catch (e) {
      return probe.down({ message: 'database unreachable' });
    }
  }

  private async migrations() {
    const probe = this.indicator.check('migrations');
    try {
      // The migrations table: no team's data.
      const pending = await pendingMigrations((sql) => this.prisma.system(() => this.prisma.$queryRawUnsafe(sql), { transaction: false }));
      return pending.length === 0 ? probe.up() : probe.down({ pending });
    } catch {
      return probe.down({ message: 'migration state unknown' });
    }
  }

  private async masterKey() {
    const probe = this.indicator.check('master_key');
    try {
      const verdict = await verifyMasterKey(this.config, new SystemSettingsRepository(this.prisma));
      return verdict.ok ? probe.up() : probe.down({ message: 'the master key is missing or not the one this database was set up with' });
    } catch {
      return probe.down({ message: 'master key not checked: database unreachable' });
    }
  }

  private dataDir() {
    const probe = this.indicator.check('data_directory');
    return checkDataDir(this.config, true).status === 'ok' ? probe.up() : probe.down({ message: 'the data directory is not writable' });
  }

  private async redisUp() {
    const probe = this.indicator.check('redis');
    return (await checkRedis(this.config, this.redis, 1_000)).status === 'ok' ? probe.up() : probe.down({ message: 'redis does not answer' });
  }

  private chromium() {
    const probe = this.indicator.check('chromium');
    const found = checkExecutable('chromium', this.config.browser.chromiumPath, CHROMIUM_FIX);
    return found.status === 'ok' ? probe.up() : probe.down({ message: 'chromium not found' });
  }
}
