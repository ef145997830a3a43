import { useQuery } from '@tanstack/react-query';
import { useSearch } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { api, ApiFailure, must } from '../api/client';

/** Why the server sent the browser back here after an SSO attempt. */
const REASONS: Record<string, string> = {
  user_not_provisioned: 'Your identity provider signed you in, but no Mantis user exists for that email address. Ask an administrator to add you.',
  email_not_verified: 'Your identity provider has not verified your email address, so Mantis cannot sign you in. Verify it with your provider and try again.',
  domain_not_allowed: 'Your email address is in a domain that is not allowed to sign in to this Mantis.',
  sso_expired: 'The sign-in took too long or was started in another browser. Please try again.',
  sso_failed: 'The identity provider did not complete the sign-in. Please try again.',
};

/** Only paths of this console; anything else goes to its start page. */
function consolePath(returnTo: string | undefined): string {
  return returnTo && returnTo.startsWith('/console/') && !returnTo.startsWith('//') ? returnTo : '/console/';
}

export function LoginPage() {
  const search = useSearch({ from: '/login' });
  const methods = useQuery({ queryKey: ['auth-methods'], queryFn: () => must(api.GET('/auth/methods')) });
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const returnTo = consolePath(search.return_to);
  const reason = search.error ? (REASONS[search.error] ?? 'The sign-in was refused.') : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await must(api.POST('/auth/session', { body: { api_key: key } }));
      setKey('');
      // A full load: every page starts from the new session.
      window.location.assign(returnTo);
    } catch (err) {
      setError(err instanceof ApiFailure && err.status === 401 ? 'That API key is invalid, expired or revoked.' : `Sign-in failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="page narrow login" id="main">
      <h1>Sign in to Mantis</h1>
      {reason ? (
        <p role="alert" className="state state-error">
          {reason}
        </p>
      ) : null}
      {methods.data?.sso ? (
        <button type="button" className="primary wide" onClick={() => window.location.assign(`/auth/oidc/login?return_to=${encodeURIComponent(returnTo)}`)}>
          Sign in with SSO
        </button>
      ) : null}
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(e) => setKey(e.target.value)}
          required
          placeholder="mk_…"
        />
        {error ? (
          <p role="alert" className="state state-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className={methods.data?.sso ? 'secondary wide' : 'primary wide'} disabled={busy}>
          Sign in with API key
        </button>
      </form>
    </main>
  );
}
