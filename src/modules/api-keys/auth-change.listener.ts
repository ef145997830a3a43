import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import type { Logger } from 'pino';
import { DATABASE_URL } from '../../platform/database/database.tokens.js';
import { LOGGER } from '../../platform/http/logger.js';
import { PROCESS_ROLES, type ProcessRole } from '../../platform/process-roles.js';
import { ApiKeyCache } from './api-key-cache.js';

export const AUTH_CHANNEL = 'mantis_auth';
const RECONNECT_MS = 1_000;

/**
 * LISTENs on `mantis_auth` (announced by database triggers on api_keys,
 * memberships, users and teams) so that a revocation, rotation or keys-file
 * change made on any replica empties this replica's cache at commit time.
 */
@Injectable()
export class AuthChangeListener implements OnModuleInit, OnApplicationShutdown {
  private client?: pg.Client;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROCESS_ROLES) private readonly roles: ProcessRole[],
    private readonly cache: ApiKeyCache,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.roles.includes('api')) return;
    await this.connect().catch((err) => {
      this.logger.warn({ err }, 'auth change listener not connected; key cache bypassed until it is');
      this.scheduleReconnect();
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (msg) => {
      if (msg.channel === AUTH_CHANNEL && msg.payload) this.cache.apply(msg.payload);
    });
    let lost = false;
    const onLost = (err?: Error) => {
      if (this.stopped || lost) return;
      lost = true;
      this.logger.warn({ err }, 'auth change listener lost its connection; key cache bypassed');
      this.cache.setLive(false);
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    await client.connect();
    // The epoch is read after LISTEN (one round trip): every change past it arrives as a notice.
    const results = (await client.query(`LISTEN ${AUTH_CHANNEL}; SELECT n::text AS n FROM mantis_auth_epoch WHERE id = 1`)) as unknown as pg.QueryResult<{
      n: string;
    }>[];
    this.client = client;
    this.cache.setLive(true, BigInt(results[1]?.rows[0]?.n ?? '0'));
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().catch(() => this.scheduleReconnect());
    }, RECONNECT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.cache.setLive(false);
    await this.client?.end().catch(() => undefined);
  }
}
