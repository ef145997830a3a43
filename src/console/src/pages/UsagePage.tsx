import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../api/client';
import { money } from '../api/runs';
import { useSession, type Principal } from '../api/session';
import type { paths } from '../api/schema';
import { ErrorState, Loading } from '../shell/States';
import { Field, FormError, fieldError, send, useSubmit } from '../ui/forms';

type Usage = paths['/api/v1/teams/{team}/usage']['get']['responses'][200]['content']['application/json'];
type Day = Usage['days'][number];

/** This month's spend and reservations against the budget, and runs and cost per day (chart and table). */
export function UsagePage() {
  const { team } = useParams({ from: '/shell/teams/$team/usage' });
  const me = useSession().data as Principal;
  const usage = useQuery({ queryKey: ['usage', team], queryFn: () => send(api.GET('/api/v1/teams/{team}/usage', { params: { path: { team } } })) });
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Usage</h1>
      {usage.isPending ? <Loading what="usage" /> : null}
      {usage.isError ? <ErrorState error={usage.error} what="the usage" /> : null}
      {usage.data ? (
        <>
          <BudgetBar month={usage.data.month} />
          {me.admin ? <BudgetForm team={team} budget={usage.data.month.budget_usd} /> : null}
          <h2 id="per-day">Runs and cost per day</h2>
          <DayChart days={usage.data.days} />
          <div className="table-wrap">
            <table aria-labelledby="per-day">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Runs</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                {usage.data.days.map((d) => (
                  <tr key={d.date}>
                    <th scope="row">{d.date}</th>
                    <td className="num">{d.runs}</td>
                    <td className="num">{money(d.cost_usd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

function BudgetBar({ month }: { month: Usage['month'] }) {
  const { spent_usd: spent, reserved_usd: reserved, budget_usd: budget } = month;
  const scale = Math.max(budget ?? 0, spent + reserved, 0.0001);
  const pct = (v: number) => `${Math.min(100, (v / scale) * 100)}%`;
  const text =
    budget === null
      ? `Spent ${money(spent)} and reserved ${money(reserved)} this month; no monthly budget.`
      : `Spent ${money(spent)} and reserved ${money(reserved)} of a ${money(budget)} monthly budget (${money(Math.max(0, budget - spent - reserved))} left).`;
  return (
    <div className="budget">
      <p id="budget-text">{text}</p>
      <div className="bar" aria-hidden="true">
        <span className="bar-spent" style={{ width: pct(spent) }} />
        <span className="bar-reserved" style={{ width: pct(reserved) }} />
      </div>
      <p className="muted legend">
        <span className="key key-spent" /> spent <span className="key key-reserved" /> reserved{budget !== null ? ' · the bar is the budget' : ''}
      </p>
    </div>
  );
}

/** Plain SVG: a bar per day for cost, a dot per day for runs; the table below carries the same numbers for screen readers. */
function DayChart({ days }: { days: Day[] }) {
  const w = 760;
  const h = 180;
  const pad = 24;
  const step = (w - 2 * pad) / Math.max(days.length, 1);
  const maxCost = Math.max(...days.map((d) => d.cost_usd), 0.0001);
  const maxRuns = Math.max(...days.map((d) => d.runs), 1);
  const y = (v: number, max: number) => h - pad - (v / max) * (h - 2 * pad);
  return (
    <svg className="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label="Runs and cost per day; the table below has the numbers">
      <line x1={pad} x2={w - pad} y1={h - pad} y2={h - pad} className="axis" />
      {days.map((d, i) => (
        <g key={d.date}>
          <rect
            x={pad + i * step + 1}
            width={Math.max(step - 2, 1)}
            y={y(d.cost_usd, maxCost)}
            height={h - pad - y(d.cost_usd, maxCost)}
            className="chart-cost"
          >
            <title>{`${d.date}: ${money(d.cost_usd)}, ${d.runs} runs`}</title>
          </rect>
          {d.runs > 0 ? <circle cx={pad + i * step + step / 2} cy={y(d.runs, maxRuns)} r={3} className="chart-runs" /> : null}
        </g>
      ))}
      <text x={pad} y={14} className="chart-label">{`cost (max ${money(maxCost)}) · runs (max ${maxRuns})`}</text>
      {days.length > 0 ? (
        <>
          <text x={pad} y={h - 6} className="chart-label">
            {days[0].date}
          </text>
          <text x={w - pad} y={h - 6} textAnchor="end" className="chart-label">
            {days[days.length - 1].date}
          </text>
        </>
      ) : null}
    </svg>
  );
}

function BudgetForm({ team, budget }: { team: string; budget: number | null }) {
  const queryClient = useQueryClient();
  const [value, setValue] = useState(budget === null ? '' : String(budget));
  const form = useSubmit(
    () => send(api.PATCH('/api/v1/teams/{team}', { params: { path: { team } }, body: { monthly_budget_usd: value.trim() === '' ? null : Number(value) } })),
    () => void queryClient.invalidateQueries({ queryKey: ['usage', team] }),
  );
  return (
    <form className="inline-form" aria-label="Monthly budget" onSubmit={(e) => void form.submit(e)}>
      <Field label="Monthly budget (USD)" error={fieldError(form.error, 'monthly_budget_usd')} hint="Empty: no budget.">
        {(f) => <input {...f} type="number" min="0" step="0.01" value={value} onChange={(e) => setValue(e.target.value)} />}
      </Field>
      <button type="submit" className="primary" disabled={form.busy}>
        Save
      </button>
      <FormError error={form.error} shown={['monthly_budget_usd']} />
    </form>
  );
}
