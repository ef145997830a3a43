import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { createKey, ownerId, SCOPES, type KeyOwner, type NewKey } from '../api/keys';
import { when } from '../api/runs';
import { Field, FormError, fieldError, Modal, useSubmit } from '../ui/forms';

const ownerLabel = (o: KeyOwner) => (o.kind === 'service' ? `Service account ${o.name}` : `Me (${o.email})`);

/** "Create key": name, expiry and scopes; the answer (the raw key) is shown once, then forgotten. */
export function CreateKeyDialog({ team, owners, onClose }: { team: string; owners: KeyOwner[]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [account, setAccount] = useState(ownerId(owners.find((o) => o.kind === 'service') ?? owners[0]));
  const [name, setName] = useState('');
  const [expiresIn, setExpiresIn] = useState('90d');
  const [scopes, setScopes] = useState<string[]>([...SCOPES]);
  const [created, setCreated] = useState<NewKey | null>(null);
  const owner = owners.find((o) => ownerId(o) === account) ?? owners[0];
  const form = useSubmit(
    (idempotencyKey) =>
      createKey(team, owner, { name: name.trim(), expires_in: expiresIn.trim() || undefined, scopes: scopes as NewKey['scopes'] }, idempotencyKey),
    (answer) => {
      setCreated(answer);
      void queryClient.invalidateQueries({ queryKey: ['keys', team, ownerId(owner)] });
    },
  );
  if (created) return <NewKeyDialog created={created} onClose={onClose} />;
  const toggle = (s: string, on: boolean) => setScopes((cur) => (on ? [...cur, s] : cur.filter((x) => x !== s)));
  return (
    <Modal title="Create key" onClose={onClose}>
      <form className="stack" onSubmit={(e) => void form.submit(e)}>
        <Field label="Account">
          {(f) => (
            <select {...f} value={account} onChange={(e) => setAccount(e.target.value)}>
              {owners.map((o) => (
                <option key={ownerId(o)} value={ownerId(o)}>
                  {ownerLabel(o)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Name" error={fieldError(form.error, 'name')}>
          {(f) => (
            <input
              {...f}
              value={name}
              required
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
              title="1-64 letters, digits, dot, _ or -"
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Expires in" error={fieldError(form.error, 'expires_in')} hint="A number and a unit: s, m, h or d (e.g. 90d). Empty: never.">
          {(f) => <input {...f} value={expiresIn} pattern="[0-9]{1,6}[smhd]" onChange={(e) => setExpiresIn(e.target.value)} />}
        </Field>
        <fieldset className="scopes">
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => toggle(s, e.target.checked)} /> {s}
            </label>
          ))}
          {fieldError(form.error, 'scopes') ? <span className="field-error">{fieldError(form.error, 'scopes')}</span> : null}
        </fieldset>
        <FormError error={form.error} shown={['name', 'expires_in', 'scopes']} />
        <div className="actions">
          <button type="submit" className="primary" disabled={form.busy || scopes.length === 0}>
            Create
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The raw key, once: with "Copy" and the warning that it cannot be shown again. */
export function NewKeyDialog({ created, note, onClose }: { created: NewKey; note?: string; onClose: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Could not copy: select the key and copy it by hand.');
    }
  }
  return (
    <Modal title={`New key ${created.name}`} onClose={onClose}>
      <p role="alert" className="state state-warn">
        Copy this key now. It cannot be shown again: Mantis keeps only its hash.
      </p>
      <p>
        <label>
          Key
          <input className="mono wide" readOnly value={created.key} aria-label="New key" onFocus={(e) => e.target.select()} />
        </label>
      </p>
      <dl className="facts">
        <dt>Prefix</dt>
        <dd className="mono">{created.prefix}</dd>
        <dt>Scopes</dt>
        <dd>{created.scopes.join(', ')}</dd>
        <dt>Expires</dt>
        <dd>{created.expires_at ? when(created.expires_at) : 'never'}</dd>
      </dl>
      {note ? <p>{note}</p> : null}
      <div className="actions">
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
      {copied ? <p role="status">{copied}</p> : null}
    </Modal>
  );
}
