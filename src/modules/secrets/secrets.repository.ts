import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service.js';

export interface SecretRow {
  name: string;
  ciphertext: Buffer;
  nonce: Buffer;
  keyVersion: number;
  origins: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** The only Prisma user of the vault; every method takes the team id first. */
@Injectable()
export class SecretsRepository {
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async latestTeamKey(teamId: string): Promise<{ version: number; wrappedKey: Buffer } | null> {
    const row = await this.prisma.withTeam(teamId, () => this.prisma.teamKey.findFirst({ where: { teamId }, orderBy: { version: 'desc' } }));
    return row ? { version: row.version, wrappedKey: Buffer.from(row.wrappedKey) } : null;
  }

  async teamKey(teamId: string, version: number): Promise<Buffer | null> {
    const row = await this.prisma.withTeam(teamId, () => this.prisma.teamKey.findUnique({ where: { teamId_version: { teamId, version } } }));
    return row ? Buffer.from(row.wrappedKey) : null;
  }

  /** Inserts the team's key unless a concurrent writer got there first (then theirs stands). */
  async insertTeamKey(teamId: string, version: number, wrappedKey: Buffer): Promise<void> {
    await this.prisma.withTeam(teamId, () =>
      this.prisma.teamKey.createMany({ data: [{ teamId, version, wrappedKey: new Uint8Array(wrappedKey) }], skipDuplicates: true }),
    );
  }

  async find(teamId: string, name: string): Promise<SecretRow | null> {
    const row = await this.prisma.withTeam(teamId, () => this.prisma.secret.findUnique({ where: { teamId_name: { teamId, name } } }));
    return row ? toRow(row) : null;
  }

  /** Returns whether the secret was created (false: replaced). */
  /** `origins` undefined keeps the stored ones on replace (none on create). */
  async upsert(
    teamId: string,
    name: string,
    data: { ciphertext: Buffer; nonce: Buffer; keyVersion: number; origins?: string[] },
  ): Promise<{ created: boolean; row: SecretRow }> {
    const fields = {
      ciphertext: new Uint8Array(data.ciphertext),
      nonce: new Uint8Array(data.nonce),
      keyVersion: data.keyVersion,
      ...(data.origins ? { origins: data.origins } : {}),
    };
    const existing = await this.prisma.withTeam(teamId, () =>
      this.prisma.secret.findUnique({ where: { teamId_name: { teamId, name } }, select: { id: true } }),
    );
    const row = await this.prisma.withTeam(teamId, () =>
      this.prisma.secret.upsert({
        where: { teamId_name: { teamId, name } },
        create: { teamId, name, ...fields },
        update: fields,
      }),
    );
    return { created: !existing, row: toRow(row) };
  }

  /** By name, after `afterName`, at most `take`. */
  async list(teamId: string, take: number, afterName?: string): Promise<SecretRow[]> {
    const where = { teamId, ...(afterName !== undefined ? { name: { gt: afterName } } : {}) };
    const rows = await this.prisma.withTeam(teamId, () => this.prisma.secret.findMany({ where, orderBy: { name: 'asc' }, take }));
    return rows.map(toRow);
  }

  async delete(teamId: string, name: string): Promise<boolean> {
    const { count } = await this.prisma.withTeam(teamId, () => this.prisma.secret.deleteMany({ where: { teamId, name } }));
    return count > 0;
  }
}

function toRow(r: {
  name: string;
  ciphertext: Uint8Array;
  nonce: Uint8Array;
  keyVersion: number;
  origins: string[];
  createdAt: Date;
  updatedAt: Date;
}): SecretRow {
  return {
    name: r.name,
    origins: r.origins,
    ciphertext: Buffer.from(r.ciphertext),
    nonce: Buffer.from(r.nonce),
    keyVersion: r.keyVersion,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
