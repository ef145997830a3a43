import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client.js';
import { DATABASE_URL } from './database.tokens.js';
import { APP_ROLE, UUID, type TxOptions } from './team-scope.js';

/**
 * The Prisma client over the pg driver adapter. Repositories are the only
 * callers. Team-scoped work goes through `withTeam` (row-level security
 * applies: the transaction runs as `mantis_app` with `mantis.team_id` set);
 * work that spans teams goes through `system`, named so at every call site.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(DATABASE_URL) url: string) {
    super({ adapter: new PrismaPg({ connectionString: url, max: 20 }) });
  }

  /**
   * Runs `fn` in one interactive transaction whose first statement switches to
   * `mantis_app` and sets `mantis.team_id` (one round trip, both transaction-
   * local): every statement inside sees and writes only that team's rows,
   * whatever its own filters say.
   */
  async withTeam<T>(teamId: string, fn: (tx: Tx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
    if (!UUID.test(teamId)) throw new Error('withTeam: team id must be a uuid');
    return this.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config('mantis.team_id', ${teamId}, true)`;
      return fn(tx);
    }, txOptions(opts));
  }

  /**
   * Cross-team work (the dispatcher, admin listings, imports, credential
   * lookups, the global audit chain): a transaction as the connecting role,
   * which owns the schema or has BYPASSRLS. Never used for a request's team data.
   */
  async system<T>(fn: (tx: Tx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
    return this.$transaction(fn, txOptions(opts));
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

function txOptions(opts: TxOptions): { maxWait: number; timeout: number; isolationLevel?: TxOptions['isolationLevel'] } {
  // A loaded machine may wait for a pooled connection: generous bounds, not Prisma's 2 s/5 s.
  return { maxWait: opts.maxWait ?? 15_000, timeout: opts.timeout ?? 30_000, ...(opts.isolationLevel ? { isolationLevel: opts.isolationLevel } : {}) };
}

export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
