import { ApiFailure } from '../api/client';

/** What a person needs to know when a page cannot show its data. */
export function ErrorState({ error, what }: { error: unknown; what: string }) {
  const e = error instanceof ApiFailure ? error : null;
  let text = `Could not load ${what}: ${error instanceof Error ? error.message : 'unknown error'}.`;
  if (e?.status === 403) text = `You cannot see ${what}: ${e.message}. Ask a team owner or an administrator for the role.`;
  else if (e?.status === 404) text = `There is no such ${what} in this team, or you are not a member of it.`;
  else if (e?.status === 429) text = `Too many requests for this team right now; try again in a moment.`;
  return (
    <div role="alert" className="state state-error">
      <p>{text}</p>
      {e ? <p className="muted">Error code: {e.code}</p> : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="state">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

export function NotFound() {
  return (
    <main className="page narrow">
      <h1>Page not found</h1>
      <p>
        <a href="/console/">Back to the console</a>
      </p>
    </main>
  );
}
