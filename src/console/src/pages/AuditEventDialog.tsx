import { useEffect, useRef } from 'react';
import type { paths } from '../api/schema';

export type AuditEvent = paths['/api/v1/teams/{team}/audit-events']['get']['responses'][200]['content']['application/json']['data'][number];

const FIELDS: [string, (e: AuditEvent) => unknown][] = [
  ['id', (e) => e.id],
  ['seq', (e) => e.seq],
  ['ts', (e) => e.ts],
  ['team', (e) => e.team ?? 'global'],
  ['actor.type', (e) => e.actor.type],
  ['actor.id', (e) => e.actor.id],
  ['actor.email', (e) => e.actor.email],
  ['actor.prefix', (e) => e.actor.prefix],
  ['auth_method', (e) => e.auth_method],
  ['action', (e) => e.action],
  ['target.type', (e) => e.target.type],
  ['target.id', (e) => e.target.id],
  ['outcome', (e) => e.outcome],
  ['status', (e) => e.status],
  ['ip', (e) => e.ip],
  ['user_agent', (e) => e.user_agent],
  ['request_id', (e) => e.request_id],
  ['prev_hash', (e) => e.prev_hash],
  ['hash', (e) => e.hash],
];

/** Every field of one event, hashes included, in a modal dialog (native <dialog>: focus trap and Escape built in). */
export function AuditEventDialog({ event, onClose }: { event: AuditEvent | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (event && !d.open) d.showModal();
    if (!event && d.open) d.close();
  }, [event]);
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="event-title" className="dialog">
      {event ? (
        <>
          <h2 id="event-title">Audit event {event.action}</h2>
          <dl className="facts">
            {FIELDS.map(([name, get]) => (
              <div key={name} className="fact">
                <dt>{name}</dt>
                <dd className="mono">{String(get(event) ?? '—')}</dd>
              </div>
            ))}
            <div className="fact">
              <dt>details</dt>
              <dd>
                <pre className="json">{JSON.stringify(event.details, null, 2)}</pre>
              </dd>
            </div>
          </dl>
          <button type="button" className="secondary" onClick={onClose} autoFocus>
            Close
          </button>
        </>
      ) : null}
    </dialog>
  );
}
