import type { Command } from 'commander';
import { client, remote, run, type RemoteOptions } from './cli-client.js';
import type { TeamView } from '../../modules/teams/teams.schemas.js';
import { printTable } from './cli-output.js';

const num = (v: string) => Number(v);

export function registerTeamsCommands(program: Command): void {
  const teams = program.command('teams').description('teams (admin)');

  remote(teams.command('create').description('create a team'))
    .requiredOption('--name <name>', 'display name')
    .option('--slug <slug>', 'tenant id (default: derived from the name)')
    .option('--max-concurrent-runs <n>', 'runs queued or running at once', num)
    .option('--max-cost-per-run <usd>', 'cost cap per run', num)
    .option('--rate-limit <n>', 'requests per minute (0 disables)', num)
    .option('--monthly-budget <usd>', 'monthly budget in USD', num)
    .option('--allowed-domains <list>', 'comma-separated hosts (*.example.com allowed)')
    .action(
      run(
        async (
          o: RemoteOptions & {
            name: string;
            slug?: string;
            maxConcurrentRuns?: number;
            maxCostPerRun?: number;
            rateLimit?: number;
            monthlyBudget?: number;
            allowedDomains?: string;
          },
        ) => {
          const body = {
            name: o.name,
            slug: o.slug,
            max_concurrent_runs: o.maxConcurrentRuns,
            max_cost_per_run: o.maxCostPerRun,
            rate_limit_per_minute: o.rateLimit,
            monthly_budget_usd: o.monthlyBudget,
            allowed_domains: o.allowedDomains
              ?.split(',')
              .map((d) => d.trim())
              .filter(Boolean),
          };
          const team = await (await client(o)).request<TeamView>('POST', '/api/v1/teams', body);
          process.stdout.write(`Created team ${team.slug} (${team.name}).\n`);
        },
      ),
    );

  remote(teams.command('list').description('list teams (admins: all; others: their own)')).action(
    run(async (o: RemoteOptions) => {
      const c = await client(o);
      const data: TeamView[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: TeamView[]; next_cursor: string | null } = await c.request(
          'GET',
          `/api/v1/teams?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        data.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      printTable(
        ['team', 'name', 'role', 'max runs', 'rate/min', 'budget usd', 'domains'],
        data.map((t) => [t.slug, t.name, t.role, t.max_concurrent_runs, t.rate_limit_per_minute, t.monthly_budget_usd, t.allowed_domains.join(',')]),
      );
    }),
  );
}
