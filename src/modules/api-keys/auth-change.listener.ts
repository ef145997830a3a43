import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { DATABASE_URL } from '../../platform/database/database.tokens.js';
import { LOGGER } from '../../platform/http/logger.js';
import { PROCESS_ROLES, type ProcessRole } from '../../platform/process-roles.js';
import { ApiKeyCache } from './api-key-cache.js';

export const AUTH_CHANNEL = 'mantis_auth';
const RECONNECT_MS = 1_000;
/** How the listener's connection shows in `pg_stat_activity`. */
export const LISTENER_APPLICATION_NAME = 'mantis auth listener';

/**
 * LISTENs on `mantis_auth` (announced by database triggers on api_keys,
 * memberships, users and teams) so that a revocation, rotation or keys-file
 * change made on any replica empties this replica's cache at commit time.
 *
 * On the same connection it holds this replica's lease in
 * `mantis_auth_replicas`: renewed every third of `MANTIS_AUTH_LEASE_MS`, and
 * after each notice applied (which is how the replica acknowledges it; the
 * changing transaction waits for that, see PrismaService). The database grants
 * a lease only to a replica that has applied the current epoch. The lease is
 * counted locally from before the statement was sent, less a margin, so it
 * ends here before it ends in the database.
 */
@Injectable()
export class AuthChangeListener implements OnModuleInit, OnApplicationShutdown {
  private client?: pg.Client;
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private stopped = false;
  private readonly replicaId = randomUUID();
  private readonly leaseMs: number;
  private renewing = false;
  private renewAgain = false;
  private renewFailed = false;

  constructor(
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROCESS_ROLES) private readonly roles: ProcessRole[],
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly cache: ApiKeyCache,
  ) {
    this.leaseMs = config.authLeaseMs;
  }

  async onModuleInit(): Promise<void> {
    if (!this.roles.includes('api')) return;
    await this.connect().catch((err) => {
      this.logger.warn({ err }, 'auth change listener not connected; key cache bypassed until it is');
      this.scheduleReconnect();
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: LISTENER_APPLICATION_NAME });
    client.on('notification', (msg) => {
      if (msg.channel !== AUTH_CHANNEL || !msg.payload) return;
      this.cache.apply(msg.payload);
      void this.renew(client);
    });
    let lost = false;
    const onLost = (err?: Error) => {
      if (this.stopped || lost) return;
      lost = true;
      this.logger.warn({ err }, 'auth change listener lost its connection; key cache bypassed');
      this.cache.setLive(false);
      this.stopHeartbeat();
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    await client.connect();
    // The epoch is read after LISTEN (one round trip): every change past it arrives as a notice.
    // Leases of replicas gone for a day are cleared on the way.
    const results = (await client.query(
      `LISTEN ${AUTH_CHANNEL}; DELETE FROM mantis_auth_replicas WHERE lease_until < now() - interval '1 day'; SELECT n::text AS n FROM mantis_auth_epoch WHERE id = 1`,
    )) as unknown as pg.QueryResult<{ n: string }>[];
    this.client = client;
    this.cache.setLive(true, BigInt(results[2]?.rows[0]?.n ?? '0'));
    await this.renew(client);
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => void this.renew(client), Math.floor(this.leaseMs / 3));
    this.heartbeat.unref();
  }

  /** Asks for the lease with what the cache has applied; one statement at a time, the latest state last. */
  private async renew(client: pg.Client): Promise<void> {
    if (this.renewing) {
      this.renewAgain = true;
      return;
    }
    this.renewing = true;
    try {
      do {
        this.renewAgain = false;
        if (client !== this.client || this.stopped) return;
        const applied = this.cache.appliedEpoch;
        const sent = performance.now();
        const { rows } = await client.query<{ granted: boolean }>('SELECT mantis_auth_lease($1, $2, $3) AS granted', [
          this.replicaId,
          applied.toString(),
          this.leaseMs,
        ]);
        if (rows[0]?.granted && client === this.client) this.cache.holdLease(sent + this.leaseMs - leaseMargin(this.leaseMs));
        else this.cache.dropLease();
        this.renewFailed = false;
      } while (this.renewAgain);
    } catch (err) {
      this.cache.dropLease();
      // Once per outage, not once per heartbeat.
      if (!this.stopped && !this.renewFailed) this.logger.warn({ err }, 'auth lease not renewed; cached keys confirm the auth epoch per request until it is');
      this.renewFailed = true;
    } finally {
      this.renewing = false;
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
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
    this.stopHeartbeat();
    this.cache.setLive(false);
    // Changes need not wait for this replica's lease to run out.
    await this.client?.query('DELETE FROM mantis_auth_replicas WHERE id = $1', [this.replicaId]).catch(() => undefined);
    await this.client?.end().catch(() => undefined);
  }
}

/** The lease ends here this long before the database's record of it (clock rates, a slow answer). */
function leaseMargin(leaseMs: number): number {
  return Math.min(500, Math.floor(leaseMs / 4));
}
