// The audit bench's page client, in a worker thread of its own: its fetch and
// its JSON.parse of each 100-event body then run beside the server, not on the
// server's event loop, as a client in another process would (the same two
// cores). Requests are sequential; each reply is checked and timed.
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

parentPort.on('message', async ({ urls, headers }) => {
  const out = [];
  try {
    for (const url of urls) {
      const s = performance.now();
      const res = await fetch(url, { headers });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(body)}`);
      out.push({ ms: performance.now() - s, n: body.data.length });
    }
    parentPort.postMessage({ out });
  } catch (e) {
    parentPort.postMessage({ error: String(e) });
  }
});
