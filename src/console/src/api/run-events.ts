import { useEffect, useState } from 'react';
import { teamPath } from './client';
import type { RunEvent } from './runs';

/** Splits a text/event-stream body into its `data:` payloads (the server sends one JSON event per message). */
function* messages(buffer: { text: string }): Generator<string> {
  let end: number;
  while ((end = buffer.text.indexOf('\n\n')) >= 0) {
    const block = buffer.text.slice(0, end);
    buffer.text = buffer.text.slice(end + 2);
    const data = block
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trimStart())
      .join('\n');
    if (data) yield data;
  }
}

/**
 * A run's events, live: one Server-Sent Events request (the logs route with
 * `Accept: text/event-stream`) that the server ends once the run is terminal.
 * A dropped connection resumes after the last event seen, with backoff.
 * `onEvent` hears each new event (e.g. to re-read the run on `run.*`).
 */
export function useRunEvents(team: string, runId: string, onEvent: (e: RunEvent) => void, onEnd: () => void) {
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    let after = 0;
    let delay = 1000;
    setEvents([]);
    async function follow(): Promise<void> {
      while (!abort.signal.aborted) {
        try {
          const res = await fetch(`${teamPath(team, `runs/${runId}/logs`)}?after=${after}`, {
            headers: { accept: 'text/event-stream' },
            credentials: 'same-origin',
            signal: abort.signal,
          });
          if (!res.ok || !res.body) {
            setError(res.status === 403 ? "Your key or role may not read this run's events." : `The events could not be read (HTTP ${res.status}).`);
            if (res.status >= 400 && res.status < 500 && res.status !== 429) return;
          } else {
            setError(null);
            const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
            const buffer = { text: '' };
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              buffer.text += value;
              for (const data of messages(buffer)) {
                const e = JSON.parse(data) as RunEvent;
                if (e.seq <= after) continue;
                after = e.seq;
                delay = 1000;
                setEvents((list) => [...list, e]);
                onEvent(e);
              }
            }
            // The server ends the stream once the run is terminal and every event was sent.
            onEnd();
            return;
          }
        } catch (e) {
          if (abort.signal.aborted) return;
          setError(`Lost the live connection (${(e as Error).message}); reconnecting…`);
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 30_000);
      }
    }
    void follow();
    return () => abort.abort();
    // onEvent/onEnd are read through the latest render's closures on purpose: only team and run restart the stream.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [team, runId]);
  return { events, error };
}
