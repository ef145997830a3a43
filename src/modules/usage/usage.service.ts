import { Inject, Injectable } from '@nestjs/common';
import type { TeamContext } from '../../platform/auth/principal.js';
import { UsageRepository } from './usage.repository.js';
import type { UsageQuery } from './usage.schemas.js';

const DAY = 86_400_000;
const round = (n: number) => Math.round(n * 1e6) / 1e6;

@Injectable()
export class UsageService {
  constructor(@Inject(UsageRepository) private readonly repo: UsageRepository) {}

  /** This UTC month's spent, reserved and budget, and runs and cost per UTC day (every day of the range, zeros included). */
  async usage(team: TeamContext, q: UsageQuery) {
    const { since, until } = q;
    const [month, budget, rows] = await Promise.all([this.repo.month(team.id), this.repo.budget(team.id), this.repo.days(team.id, since, until)]);
    const byDate = new Map(rows.map((r) => [r.date, r]));
    const days: { date: string; runs: number; cost_usd: number }[] = [];
    for (let d = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()); d < until.getTime(); d += DAY) {
      const date = new Date(d).toISOString().slice(0, 10);
      const r = byDate.get(date);
      days.push({ date, runs: r?.runs ?? 0, cost_usd: round(r?.cost_usd ?? 0) });
    }
    return { team: team.slug, month: { spent_usd: round(month.spent), reserved_usd: round(month.reserved), budget_usd: budget }, days };
  }
}
