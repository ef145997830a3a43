import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';

/** PrismaService for every repository. Global on purpose: infrastructure every feature needs, depending on no feature. */
@Global()
@Module({
  providers: [PrismaService],
  exports: [PrismaService],
})
export class DatabaseModule {}
