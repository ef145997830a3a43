import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AuditService } from './audit.service.js';
import type { AuditEventInput } from './audit.types.js';

const WINDOW_MS = 60_000;

interface Window {
  /** The latest denial, written as the window's event. */
  last: AuditEventInput;
  count: number;
  first: Date;
  latest: Date;
  timer: NodeJS.Timeout;
}

/**
 * `auth.denied` events, one per client address and minute instead of one
 * serialised row per refused request (a flood of them would otherwise queue
 * on the audit chain). The first denial of an address is written at once;
 * further denials within the next minute are counted and written as one
 * event when the minute ends, with `details.count`, `first_at` and `last_at`.
 */
@Injectable()
export class AuthDeniedAggregator implements OnApplicationShutdown {
  private readonly windows = new Map<string, Window | null>();
  private readonly quiet = new Map<string, NodeJS.Timeout>();

  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  async add(event: AuditEventInput): Promise<void> {
    const address = event.ip ?? 'unknown';
    const now = new Date();
    const open = this.windows.get(address);
    if (open) {
      open.count += 1;
      open.last = event;
      open.latest = now;
      return;
    }
    if (this.quiet.has(address)) {
      // The address was just reported: start counting, report when the minute is up.
      const timer = setTimeout(() => void this.close(address), WINDOW_MS);
      timer.unref();
      this.windows.set(address, { last: event, count: 1, first: now, latest: now, timer });
      return;
    }
    const quiet = setTimeout(() => this.quiet.delete(address), WINDOW_MS);
    quiet.unref();
    this.quiet.set(address, quiet);
    await this.audit.recordSafely(withCount(event, 1, now, now));
  }

  /** Writes every open window now (shutdown, and tests that cannot wait a minute). */
  async flush(): Promise<void> {
    await Promise.all([...this.windows.keys()].map((a) => this.close(a)));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.quiet.values()) clearTimeout(t);
    this.quiet.clear();
    await this.flush();
  }

  private async close(address: string): Promise<void> {
    const w = this.windows.get(address);
    this.windows.delete(address);
    if (!w) return;
    clearTimeout(w.timer);
    // The report starts a new quiet minute, so an address keeps to one event a minute.
    const quiet = this.quiet.get(address);
    if (quiet) clearTimeout(quiet);
    const next = setTimeout(() => this.quiet.delete(address), WINDOW_MS);
    next.unref();
    this.quiet.set(address, next);
    await this.audit.recordSafely(withCount(w.last, w.count, w.first, w.latest));
  }
}

function withCount(e: AuditEventInput, count: number, first: Date, last: Date): AuditEventInput {
  return { ...e, details: { ...e.details, count, first_at: first.toISOString(), last_at: last.toISOString() } };
}
