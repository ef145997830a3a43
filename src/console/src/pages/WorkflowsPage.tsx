import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { api } from '../api/client';
import { when } from '../api/runs';
import { can, useSession, type Principal } from '../api/session';
import type { paths } from '../api/schema';
import { Empty, ErrorState, Loading } from '../shell/States';
import { Field, FormError, fieldError, Modal, send, useSubmit } from '../ui/forms';

type Workflow = paths['/api/v1/teams/{team}/workflows']['get']['responses'][200]['content']['application/json']['data'][number];

/** The `{{inputs.x}}` names a plan uses, in order of first use: the run form asks for each. */
export function planInputs(plan: unknown): string[] {
  const names = [...JSON.stringify(plan ?? null).matchAll(/\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g)].map((m) => m[1]);
  return [...new Set(names)];
}

/** The team's workflows with version, description and plan; "Run" for operators and owners. */
export function WorkflowsPage() {
  const { team } = useParams({ from: '/shell/teams/$team/workflows' });
  const me = useSession().data as Principal;
  const [running, setRunning] = useState<Workflow | null>(null);
  const workflows = useQuery({ queryKey: ['workflows', team], queryFn: () => send(api.GET('/api/v1/teams/{team}/workflows', { params: { path: { team } } })) });
  const rows = workflows.data?.data ?? [];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Workflows</h1>
      {workflows.isPending ? <Loading what="workflows" /> : null}
      {workflows.isError ? <ErrorState error={workflows.error} what="the workflows" /> : null}
      {workflows.isSuccess && rows.length === 0 ? <Empty>No workflows yet. Apply one with PUT /api/v1/workflows/NAME or the CLI.</Empty> : null}
      {rows.map((w) => (
        <article key={w.name} className="panel" aria-labelledby={`wf-${w.name}`}>
          <div className="page-head">
            <h2 id={`wf-${w.name}`}>{w.name}</h2>
            {can(me, team, 'runs.write') ? (
              <button type="button" className="primary" onClick={() => setRunning(w)}>
                Run
              </button>
            ) : null}
          </div>
          <dl className="facts">
            <dt>Version</dt>
            <dd>{w.version}</dd>
            <dt>Description</dt>
            <dd>{w.description || <span className="muted">none</span>}</dd>
            <dt>Updated</dt>
            <dd>{when(w.updated_at)}</dd>
          </dl>
          <details>
            <summary>Plan JSON</summary>
            <pre className="json" aria-label={`Plan of ${w.name}`} tabIndex={0}>
              {JSON.stringify(w.plan, null, 2)}
            </pre>
          </details>
        </article>
      ))}
      {running ? <RunDialog team={team} workflow={running} onClose={() => setRunning(null)} /> : null}
    </section>
  );
}

function RunDialog({ team, workflow, onClose }: { team: string; workflow: Workflow; onClose: () => void }) {
  const navigate = useNavigate();
  const names = planInputs(workflow.plan);
  const [inputs, setInputs] = useState<Record<string, string>>(Object.fromEntries(names.map((n) => [n, ''])));
  const form = useSubmit(
    (idempotencyKey) =>
      send(
        api.POST('/api/v1/teams/{team}/run/{workflow}', {
          params: { path: { team, workflow: workflow.name }, header: { 'Idempotency-Key': idempotencyKey } },
          body: names.length > 0 ? { inputs } : {},
        }),
      ),
    (run) => void navigate({ to: '/teams/$team/runs/$runId', params: { team, runId: run.run_id } }),
  );
  return (
    <Modal title={`Run ${workflow.name}`} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void form.submit(e)}>
        {names.length === 0 ? <p className="muted">This workflow takes no inputs.</p> : null}
        {names.map((n) => (
          <Field key={n} label={n} error={fieldError(form.error, `inputs.${n}`)}>
            {(f) => <input {...f} value={inputs[n]} onChange={(e) => setInputs((cur) => ({ ...cur, [n]: e.target.value }))} />}
          </Field>
        ))}
        <FormError error={form.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={form.busy}>
            Run
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
