import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiFailure } from '../api/client';
import './forms.css';
import type { Principal } from '../api/session';

/** An API failure with the fields a 400 named (`details.fields`), keyed by field path. */
export class FormFailure extends ApiFailure {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly fields: Record<string, string>,
  ) {
    super(status, code, message);
  }
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** Like `must`, keeping the field errors of a 400 so a form can show them beside its fields. */
export async function send<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const e = (error as { error?: { code?: string; message?: string; details?: { fields?: { field: string; message: string }[] } } } | undefined)?.error;
  const fields: Record<string, string> = {};
  for (const f of e?.details?.fields ?? []) fields[f.field] = fields[f.field] ? `${fields[f.field]}; ${f.message}` : f.message;
  throw new FormFailure(response.status, e?.code ?? 'http_error', e?.message ?? `The server answered ${response.status}`, fields);
}

/** One Idempotency-Key per form submission: kept across retries of the same submission, renewed after success. */
export function useIdempotencyKey(): [string, () => void] {
  const [key, setKey] = useState(() => crypto.randomUUID());
  return [key, () => setKey(crypto.randomUUID())];
}

/**
 * A form submission: at most one in flight (a second click while pending does nothing; the
 * button shows disabled), one Idempotency-Key per submission, the failure kept for the fields.
 */
export function useSubmit<T>(fn: (idempotencyKey: string) => Promise<T>, onDone?: (answer: T) => void) {
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const [error, setError] = useState<unknown>(null);
  const [key, renew] = useIdempotencyKey();
  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const answer = await fn(key);
      renew();
      onDone?.(answer);
    } catch (err) {
      setError(err);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }
  return { submit, busy, error, reset: () => setError(null) };
}

export const TEAM_ROLES = ['viewer', 'operator', 'auditor', 'team_owner'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export function roleOf(p: Principal, team: string): TeamRole | undefined {
  return p.teams.find((t) => t.team === team)?.role;
}

/** Team owners and admins administer a team (keys of service accounts, members, secrets, workflows, webhooks). */
export function ownsTeam(p: Principal, team: string): boolean {
  return p.admin || roleOf(p, team) === 'team_owner';
}

/** The roles the signed-in principal may hand out in a team: admins any, team owners all but team_owner. */
export function assignableRoles(p: Principal, team: string): TeamRole[] {
  if (p.admin) return [...TEAM_ROLES];
  return roleOf(p, team) === 'team_owner' ? ['viewer', 'operator', 'auditor'] : [];
}

/** A labelled field with the API's error for it underneath (linked by aria-describedby). */
export function Field({
  label,
  error,
  children,
  hint,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const described = [error ? `${id}-err` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described })}
      {hint ? (
        <span id={`${id}-hint`} className="muted hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-err`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The error of a failed submission that belongs to no single field. */
export function FormError({ error, shown = [] }: { error: unknown; shown?: string[] }) {
  if (!error) return null;
  const fields = error instanceof FormFailure ? Object.keys(error.fields) : [];
  const other = fields.filter((f) => !shown.includes(f));
  const text = error instanceof Error ? error.message : 'The request failed';
  return (
    <p role="alert" className="state state-error">
      {text}
      {other.length > 0 && error instanceof FormFailure ? ` (${other.map((f) => `${f}: ${error.fields[f]}`).join('; ')})` : ''}
    </p>
  );
}

export const fieldError = (error: unknown, field: string) => (error instanceof FormFailure ? error.fields[field] : undefined);

/** A modal built on the native <dialog> (focus trap and Escape come with it); shown while mounted. */
export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const mounted = useRef(false);
  const id = useId();
  useEffect(() => {
    mounted.current = true;
    const d = ref.current;
    if (d && !d.open) d.showModal();
    // Unmounting removes the element, which leaves the top layer; no close event may reach a parent then.
    return () => {
      mounted.current = false;
    };
  }, []);
  const closed = () => {
    if (mounted.current) onClose();
  };
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={id} onClose={closed}>
      <h2 id={id}>{title}</h2>
      {children}
    </dialog>
  );
}

/**
 * A button that asks first: "Confirm" runs the action, "Cancel" does nothing.
 * With `typeToConfirm`, Confirm stays disabled until that text is typed into a field labelled `typeLabel`.
 */
export function ConfirmButton(props: {
  label: string;
  title: string;
  body?: ReactNode;
  danger?: boolean;
  typeToConfirm?: string;
  typeLabel?: string;
  accessibleName?: string;
  extra?: ReactNode;
  onConfirm: () => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ready = props.typeToConfirm === undefined || typed === props.typeToConfirm;
  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      setOpen(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className={props.danger ? 'danger' : undefined} aria-label={props.accessibleName} onClick={() => setOpen(true)}>
        {props.label}
      </button>
      {open ? (
        <Modal title={props.title} onClose={() => setOpen(false)}>
          {props.body ? <div>{props.body}</div> : null}
          {props.extra}
          {props.typeToConfirm !== undefined ? (
            <Field label={props.typeLabel ?? 'Slug'} hint={`Type ${props.typeToConfirm} to confirm.`}>
              {(f) => <input {...f} value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />}
            </Field>
          ) : null}
          <FormError error={error} />
          <div className="actions">
            <button type="button" className={props.danger ? 'danger' : 'primary'} disabled={!ready || busy} onClick={() => void confirm()}>
              Confirm
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </Modal>
      ) : null}
    </>
  );
}
