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
  constructor(
    private readonly min = 1000,
    private readonly max = 15_000,
  ) {
    this.delay = min;
  }
  next(answer: unknown, active: boolean): number {
    const text = JSON.stringify(answer);
    this.delay = text !== this.last ? this.min : Math.min(this.delay * 2, active ? 2 * this.min : this.max);
    this.last = text;
    return this.delay;
  }
}

export const money = (usd: number) => `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');
