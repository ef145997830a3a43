import type { paths } from './schema';

export type Run = paths['/api/v1/teams/{team}/runs/{run_id}']['get']['responses'][200]['content']['application/json'];
export type RunEvent = paths['/api/v1/teams/{team}/runs/{run_id}/logs']['get']['responses'][200]['content']['application/json']['data'][number];

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export const isTerminal = (status: string) => status !== 'queued' && status !== 'running';

/**
 * Polling with backoff: quick while something is still moving, slower while
 * nothing changes, reset whenever an answer differs from the last one.
 */
export class Backoff {
  private delay: number;
  private last = '';
  private seen = -1;
  constructor(
    private readonly min = 3000,
    private readonly max = 30_000,
  ) {
    this.delay = min;
  }
  /** `fetchedAt` identifies the answer: the query asks again on every render, but only a new answer moves the delay. */
  next(answer: unknown, active: boolean, fetchedAt: number): number {
    if (fetchedAt === this.seen) return this.delay;
    this.seen = fetchedAt;
    const text = JSON.stringify(answer);
    // Every poll takes a token from the team's rate limit: never faster than `min`.
    this.delay = text !== this.last || active ? this.min : Math.min(this.delay * 2, this.max);
    this.last = text;
    return this.delay;
  }
}

export const money = (usd: number) => `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
