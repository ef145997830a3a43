import type { RunEvent } from '../api/runs';
import { money } from '../api/runs';

type Data = Record<string, unknown>;
const n = (v: unknown) => (typeof v === 'number' ? v : undefined);
const s = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** One line a person reads for each event the executor wrote. */
function describe(e: RunEvent): string {
  const d = (e.data ?? {}) as Data;
  // Plan steps are numbered from 1; the start_url navigation comes before them (index -1).
  const index = n(d.index);
  const step =
    index === undefined ? 'Step' : index < 0 ? `Start page${d.type ? ` (${s(d.type)})` : ''}` : `Step ${index + 1}${d.type ? ` (${s(d.type)})` : ''}`;
  switch (e.type) {
    case 'step.started':
      return `${step} started`;
    case 'step.finished': {
      const err = d.error as { code?: string; message?: string } | undefined;
      return `${step} ${s(d.outcome)} in ${n(d.duration_ms) ?? '?'} ms${err ? `: ${err.code} ${err.message ?? ''}` : ''}`;
    }
    case 'navigation':
      return `Navigated to ${s(d.url)}${d.status ? ` (${s(d.status)})` : ''}`;
    case 'request.blocked':
      return `Blocked request to ${s(d.url)}${d.reason ? `: ${s(d.reason)}` : ''}`;
    case 'agent.call': {
      const tokens = [n(d.input_tokens) !== undefined ? `${n(d.input_tokens)} in` : '', n(d.output_tokens) !== undefined ? `${n(d.output_tokens)} out` : '']
        .filter(Boolean)
        .join(', ');
      return `Agent call${d.model ? ` to ${s(d.model)}` : ''}${tokens ? `: ${tokens} tokens` : ''}${n(d.cost_usd) !== undefined ? `, ${money(n(d.cost_usd)!)}` : ''}`;
    }
    case 'agent.action':
      return `Agent action ${s(d.tool)}`;
    case 'artifact.saved':
      return `Saved ${s(d.kind)}${d.name ? ` “${s(d.name)}”` : ''}`;
    case 'browser.ready':
      return `Browser ready in ${n(d.setup_ms) ?? '?'} ms`;
    case 'run.started':
      return `Run started${n(d.attempt) ? ` (attempt ${n(d.attempt)})` : ''}`;
    case 'run.finished':
      return `Run ${s(d.status)}${n(d.duration_ms) !== undefined ? ` after ${n(d.duration_ms)} ms` : ''}`;
    case 'secret.used':
      return `Used secret ${s(d.name)}`;
    default:
      return Object.keys(d).length ? `${e.type}: ${JSON.stringify(d)}` : e.type;
  }
}

export function RunTimeline({ events }: { events: RunEvent[] }) {
  if (events.length === 0) return <p className="state state-empty">No events yet.</p>;
  return (
    <ol className="timeline" aria-label="Event timeline">
      {events.map((e) => (
        <li key={e.seq} className={`ev ev-${e.type.replace('.', '-')}`}>
          <time dateTime={e.ts}>{new Date(e.ts).toLocaleTimeString()}</time>
          <span className="ev-type">{e.type}</span>
          <span>{describe(e)}</span>
        </li>
      ))}
    </ol>
  );
}
