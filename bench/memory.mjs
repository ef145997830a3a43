// Memory under sustained load: the API process serving 50 concurrent
// `GET /api/v1/me` (cached key, access log on) and a worker process running
// 2 concurrent five-step runs, each sampled every 10 s for the whole duration.
// A process whose resident size keeps climbing holds on to something: the
// script reports the first, peak and last readings and the growth between the
// first and the last minute.
//
//   npm run build && node bench/memory.mjs [--minutes 10] [--part api|worker|both] [--snapshots 20,60]
//
// `--snapshots N,M,…` writes a heap snapshot of the worker's node process
// (`--heapsnapshot-signal`, which collects garbage first) once N, M, … runs
// have finished, into a directory the script prints; `node bench/heap-diff.mjs
// a.heapsnapshot b.heapsnapshot` then lists what grew between two of them.
//
// Needs PostgreSQL at 127.0.0.1:5432 (BENCH_PG_URL, an admin URL); creates and
// drops its own database. The processes are the real CLI (`mantis serve`,
// `mantis worker`) with stdout to /dev/null; load comes from autocannon and
// from this script, both in other processes than the measured ones.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: args } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, part: { type: 'string', default: 'both' }, snapshots: { type: 'string', default: '' } },
});
const SNAPSHOTS_AT = args.snapshots ? args.snapshots.split(',').map(Number) : [];
const MINUTES = Number(args.minutes);
const SAMPLE_MS = 10_000;
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const dist = new URL('../dist/', import.meta.url);
const load = (p) => import(new URL(p, dist).href);

const dbName = `mantis_bench_mem_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE "${dbName}"`);
const dbUrl = new URL(ADMIN_URL);
dbUrl.pathname = `/${dbName}`;
const dataDir = mkdtempSync(join(tmpdir(), 'mantis-bench-mem-'));
const env = {
  ...process.env,
  DATABASE_URL: dbUrl.toString(),
  MANTIS_MASTER_KEY: randomBytes(32).toString('base64'),
  MANTIS_DATA_DIR: dataDir,
  MANTIS_LOG_LEVEL: 'info',
  MANTIS_PREAUTH_RATE_PER_MINUTE: '0',
  MANTIS_BROWSER_PRIVATE_RANGES: '127.0.0.1/32',
  MANTIS_WORKER_CONCURRENCY: '2',
  MANTIS_WORKER_POLL_MS: '50',
  PLAYWRIGHT_BROWSERS_PATH: join(dataDir, 'pw'),
};

/**
 * Resident size of a process in MB; with `tree`, the proportional set size
 * (shared pages split between their users, so browser processes sharing
 * Chromium's code are not counted many times) of it and all its descendants.
 */
function rssMb(pid, tree = false) {
  if (!tree) return own(pid, false);
  let sum = 0;
  for (const p of descendants(pid)) sum += own(p, true);
  return sum;
}

function own(p, pss) {
  try {
    if (pss) return Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** The process and all its descendants. */
function descendants(pid) {
  const children = new Map();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone
    }
  }
  const out = [];
  const walk = (p) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/**
 * The tree's PSS by kind of process (the worker's node, Chromium's browser
 * process, its renderers and helpers by `--type`, the ffmpeg Playwright runs
 * for each recorded page): which of them a growing total comes from.
 */
function pssByKind(pid) {
  const kinds = {};
  for (const p of descendants(pid)) {
    let kind;
    try {
      // Chromium rewrites its helpers' command lines into one string: match, do not split.
      const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      const type = /--type=([\w-]+)/.exec(cmdline)?.[1];
      kind = p === pid ? 'node' : type ? `chromium ${type}` : /ffmpeg/.test(cmdline) ? 'ffmpeg' : /chrom/i.test(cmdline) ? 'chromium browser' : 'other';
    } catch {
      continue;
    }
    const k = (kinds[kind] ??= { mb: 0, processes: 0 });
    k.mb += own(p, true);
    k.processes++;
  }
  return kinds;
}

/** Per kind, the first and the last minute's averages of PSS and process count. */
function kindSummary(samples) {
  const perMinute = 60_000 / SAMPLE_MS;
  const avg = (xs, kind, field) => xs.reduce((t, s) => t + (s[kind]?.[field] ?? 0), 0) / xs.length;
  const first = samples.slice(0, perMinute);
  const last = samples.slice(-perMinute);
  const out = {};
  for (const kind of new Set(samples.flatMap((s) => Object.keys(s))).values()) {
    out[kind] = {
      first_minute_mb: Math.round(avg(first, kind, 'mb')),
      last_minute_mb: Math.round(avg(last, kind, 'mb')),
      first_minute_processes: Number(avg(first, kind, 'processes').toFixed(1)),
      last_minute_processes: Number(avg(last, kind, 'processes').toFixed(1)),
    };
  }
  return out;
}

function startCli(command, port, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, CLI, command], { env: { ...env, PORT: String(port ?? 0) }, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

async function waitFor(fn, what) {
  for (let i = 0; i < 300; i++) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function summary(samples) {
  const perMinute = 60_000 / SAMPLE_MS;
  const first = samples.slice(0, perMinute);
  const last = samples.slice(-perMinute);
  const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    samples: samples.length,
    first_mb: Math.round(samples[0]),
    peak_mb: Math.round(Math.max(...samples)),
    last_mb: Math.round(samples[samples.length - 1]),
    growth_first_to_last_minute_mb: Math.round(avg(last) - avg(first)),
  };
}

async function sampleFor(ms, read) {
  const out = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
    out.push(read());
  }
  return out;
}

const result = { minutes: MINUTES, load_average_at_start: Number(loadavg()[0].toFixed(2)) };
const procs = [];
try {
  const { migrate } = await load('platform/database/migrator.js');
  const { generateApiKey } = await load('platform/auth/api-key-format.js');
  await migrate(env.DATABASE_URL);
  const db = new pg.Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  const team = (await db.query(`INSERT INTO teams (slug, name, rate_limit_per_minute, max_concurrent_runs) VALUES ('bench', 'bench', 0, 100) RETURNING id`))
    .rows[0];
  const user = (await db.query(`INSERT INTO users (email, name) VALUES ('bench@example.com', 'bench') RETURNING id`)).rows[0];
  await db.query(`INSERT INTO memberships (user_id, team_id, role) VALUES ($1, $2, 'operator')`, [user.id, team.id]);
  const key = generateApiKey();
  await db.query(`INSERT INTO api_keys (user_id, name, key_hash, prefix) VALUES ($1, 'bench', $2, $3)`, [user.id, key.hash, key.prefix]);
  await db.end();

  const port = 20000 + Math.floor(Math.random() * 20000);
  const api = startCli('serve', port);
  procs.push(api);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 'the API');
  const headers = { 'x-mantis-token': key.raw, 'content-type': 'application/json' };

  if (args.part !== 'worker') {
    result.api_idle_mb = Math.round(rssMb(api.pid));
    const ac = spawn('npx', ['autocannon', '-c', '50', '-d', String(MINUTES * 60), '-H', `x-mantis-token: ${key.raw}`, `${base}/api/v1/me`], {
      stdio: 'ignore',
    });
    procs.push(ac);
    result.api_under_load = summary(await sampleFor(MINUTES * 60_000, () => rssMb(api.pid)));
    await new Promise((r) => (ac.exitCode !== null ? r() : ac.on('exit', r)));
  }

  if (args.part !== 'api') {
    const page = (title, body) => `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;
    const site = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      if (req.url.startsWith('/list')) return res.end(page('List', '<ul><li class="item">Alpha</li><li class="item">Beta</li></ul>'));
      if (req.url.startsWith('/form')) return res.end(page('Form', '<input id="name">'));
      res.end(page('Home', '<a id="next" href="/list">List</a>'));
    });
    await new Promise((ok) => site.listen(0, '127.0.0.1', ok));
    const SITE = `http://127.0.0.1:${site.address().port}`;
    const plan = {
      steps: [
        { navigate: `${SITE}/` },
        { click: '#next' },
        { extract: { name: 'items', selector: '.item', all: true } },
        { navigate: `${SITE}/form` },
        { fill: { selector: '#name', value: 'bench' } },
      ],
    };
    const snapshotDir = SNAPSHOTS_AT.length > 0 ? mkdtempSync(join(tmpdir(), 'mantis-bench-heap-')) : null;
    const worker = startCli('worker', undefined, snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`] : []);
    procs.push(worker);
    let stop = false;
    let finished = 0;
    let failed = 0;
    const snapshots = [];
    const snapshotAfter = async (runs) => {
      const before = readdirSync(snapshotDir).length;
      worker.kill('SIGUSR2');
      // The file appears when the snapshot starts; it is complete once its size stops changing.
      let last = -1;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        const files = readdirSync(snapshotDir).filter((f) => f.endsWith('.heapsnapshot'));
        if (files.length <= before) continue;
        const file = join(snapshotDir, files.sort().at(-1));
        const size = statSync(file).size;
        if (size > 0 && size === last && readFileSync(file, 'utf8').trimEnd().endsWith(']}')) return snapshots.push({ runs, file });
        last = size;
      }
    };
    // Keeps the worker's two slots busy: two submitters, each waiting for its run to end before the next.
    const submitter = async () => {
      while (!stop) {
        const res = await fetch(`${base}/v1/predict`, { method: 'POST', headers, body: JSON.stringify({ action: 'run', plan, detached: true }) });
        const run = await res.json();
        if (!run.run_id) throw new Error(`submit answered ${res.status}: ${JSON.stringify(run)}`);
        for (;;) {
          const s = await (await fetch(`${base}/v1/runs/${run.run_id}`, { headers })).json();
          if (!['queued', 'running'].includes(s.status)) {
            if (s.status === 'succeeded') finished++;
            else failed++;
            if (SNAPSHOTS_AT.includes(finished + failed)) await snapshotAfter(finished + failed);
            break;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    // A submitter that fails (the API went away) stops the load; the script still reports and cleans up.
    const submitters = [submitter(), submitter()].map((p) =>
      p.catch((e) => {
        result.worker_submit_error = String(e.cause?.code ?? e.message);
        stop = true;
      }),
    );
    await waitFor(async () => finished + failed > 0, 'the first run');
    result.worker_idle_node_mb = Math.round(rssMb(worker.pid));
    const node = [];
    const withBrowsers = [];
    const byKind = [];
    await sampleFor(MINUTES * 60_000, () => {
      node.push(rssMb(worker.pid));
      const kinds = pssByKind(worker.pid);
      byKind.push(kinds);
      withBrowsers.push(Object.values(kinds).reduce((t, k) => t + k.mb, 0));
      return 0;
    });
    stop = true;
    await Promise.all(submitters);
    site.close();
    result.worker_node = summary(node);
    result.worker_with_browsers = summary(withBrowsers);
    result.worker_with_browsers_by_kind = kindSummary(byKind);
    result.worker_runs = { succeeded: finished, failed };
    if (snapshotDir) result.worker_heap_snapshots = snapshots;
  }
} finally {
  for (const p of procs) p.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}
result.load_average_at_end = Number(loadavg()[0].toFixed(2));
console.log(JSON.stringify(result, null, 2));
