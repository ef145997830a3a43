import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { SecretsModule } from '../secrets/secrets.module.js';
import { HealthController } from './health.controller.js';
import { HealthRepository } from './health.repository.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), RateLimitModule, SecretsModule],
  controllers: [HealthController],
  providers: [HealthRepository],
})
export class HealthModule {}
