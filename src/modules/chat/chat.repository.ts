import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service.js';

/** Team settings the chat facade needs, and its usage rows; team id first. */
@Injectable()
export class ChatRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async anthropicSecretName(teamId: string): Promise<string> {
    const team = await this.prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { anthropicSecretName: true } });
    return team.anthropicSecretName;
  }

  async record(
    teamId: string,
    row: { id: string; model: string; inputTokens: number; outputTokens: number; costUsd: number; stream: boolean; createdByKeyId?: string },
  ): Promise<void> {
    await this.prisma.chatCompletion.create({ data: { teamId, ...row } });
  }
}
