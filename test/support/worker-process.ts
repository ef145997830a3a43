// A worker process for tests that kill one: it joins the given database,
// runs the real dispatcher with a TestExecutor that holds every run, and
// prints one JSON line per run it is handed.
import { RunDispatcher } from '../../src/modules/runs/run-dispatcher.js';
import { buildTestApp } from './app.js';
import { TestExecutor } from './test-executor.js';

const databaseUrl = process.argv[2];
const leaseSeconds = Number(process.argv[3] ?? '2');
const t = await buildTestApp({ databaseUrl, env: { MANTIS_LOG_LEVEL: 'silent' } });
const exec = new TestExecutor().hold(true);
const dispatcher = t.app.get(RunDispatcher);
const seen = new Set<string>();
setInterval(() => {
  for (const r of exec.received) {
    if (!seen.has(r.run.id)) {
      seen.add(r.run.id);
      process.stdout.write(`${JSON.stringify({ claimed: r.run.id, attempt: r.run.attempt, worker: dispatcher.id })}\n`);
    }
  }
}, 20);
dispatcher.start(exec, { pollMs: 50, leaseSeconds, concurrency: 1, workerId: `killable-${process.pid}` });
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
