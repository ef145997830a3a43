import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import type { Logger } from 'pino';
import { DATABASE_URL } from '../../platform/database/database.tokens.js';
import { LOGGER } from '../../platform/http/logger.js';
import { PROCESS_ROLES, type ProcessRole } from '../../platform/process-roles.js';

/** Raised by a trigger on every insert into run_events; the payload is the run id. */
export const RUN_EVENTS_CHANNEL = 'mantis_run_events';
const RECONNECT_MS = 1_000;

/**
 * One LISTEN connection per API process for every live log stream: a stream
 * waits for its run's notice instead of polling the database.
 */
@Injectable()
export class RunEventNotifier implements OnModuleInit, OnApplicationShutdown {
  private readonly waiters = new Map<string, Set<() => void>>();
  private client?: pg.Client;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private connected = false;

  constructor(
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROCESS_ROLES) private readonly roles: ProcessRole[],
  ) {}

  /** Whether notices arrive; while not, streams fall back to a slow re-check. */
  get live(): boolean {
    return this.connected;
  }

  async onModuleInit(): Promise<void> {
    if (!this.roles.includes('api')) return;
    await this.connect().catch((err) => {
      this.logger.warn({ err }, 'run event listener not connected; log streams re-check slowly until it is');
      this.scheduleReconnect();
    });
  }

  /** Calls `wake` on every new event of the run until the returned function is called. */
  subscribe(runId: string, wake: () => void): () => void {
    let set = this.waiters.get(runId);
    if (!set) this.waiters.set(runId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.waiters.get(runId) === set) this.waiters.delete(runId);
    };
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (msg) => {
      if (msg.channel === RUN_EVENTS_CHANNEL && msg.payload) for (const wake of this.waiters.get(msg.payload) ?? []) wake();
    });
    let lost = false;
    const onLost = (err?: Error) => {
      if (this.stopped || lost) return;
      lost = true;
      this.connected = false;
      this.logger.warn({ err }, 'run event listener lost its connection');
      void client.end().catch(() => undefined);
      // Wake everyone: they re-read what they may have missed.
      for (const set of this.waiters.values()) for (const wake of set) wake();
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    await client.connect();
    await client.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
    this.client = client;
    this.connected = true;
    for (const set of this.waiters.values()) for (const wake of set) wake();
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
    this.connected = false;
    await this.client?.end().catch(() => undefined);
  }
}
