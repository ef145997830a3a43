import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditFailureListener } from './audit-failure.listener.js';
import { AuditRoutes } from './audit-routes.js';
import { AuditHeadsController } from './audit-heads.controller.js';
import { AuditSigner } from './audit-signing.js';
import { AuthDeniedAggregator } from './auth-denied-aggregator.js';
import { AuditController } from './audit.controller.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

/** The audit log: AuditService for the features that record their own events, the request interceptor (see request-transactions.ts), and the denial listener. */
@Module({
  imports: [DiscoveryModule],
  controllers: [AuditController, AuditHeadsController],
  providers: [AuditSigner, AuditRepository, AuditService, AuditRoutes, AuditFailureListener, AuthDeniedAggregator, AuditInterceptor],
  exports: [AuditService],
})
export class AuditModule {}
