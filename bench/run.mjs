// `npm run bench`: runs every benchmark in bench/ one after another (each
// measures Mantis and its baseline side by side in the same run), prints a
// table of ratios against their goals and writes bench/results.json.
//
// A benchmark is a bench/*.mjs script whose stdout ends with one JSON object
// carrying either `ratio` and `goal`, or `ratios: [{ name, ratio, goal }]`.
// BENCH_ONLY=auth-me,predict runs a subset.
//
// Every benchmark is printed with the machine's 1-minute load average at its
// start and end (and the highest seen while it ran, sampled each second). A
// benchmark whose load average passed 2 x the cores at any point is not
// reported: its row says "too noisy" and results.json keeps its figures
// under `noisy` only, so nobody reads a goal as met from a loaded machine.
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_'))
  .filter((f) => !only || only.includes(basename(f, '.mjs')))
  .sort();

function lastJson(text) {
  for (let i = text.lastIndexOf('\n{'); i >= -1; i = text.lastIndexOf('\n{', i - 1)) {
    try {
      return JSON.parse(text.slice(i + 1));
    } catch {
      if (i <= 0) break;
    }
  }
  return JSON.parse(text.trim());
}

const CORES = cpus().length;
const NOISY = 2 * CORES;
const load1 = () => Number(loadavg()[0].toFixed(2));

function run(script) {
  return new Promise((resolve) => {
    const load = { start: load1(), max: load1(), end: NaN };
    const sampler = setInterval(() => (load.max = Math.max(load.max, load1())), 1000);
    const child = spawn(process.execPath, [join(dir, script)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => {
      clearInterval(sampler);
      load.end = load1();
      load.max = Math.max(load.max, load.end);
      resolve({ code, out, load });
    });
  });
}

const rows = [];
const results = {
  machine: { cpus: CORES, model: cpus()[0]?.model, node: process.version },
  noisy_above_load: NOISY,
  at: new Date().toISOString(),
  benchmarks: {},
};
for (const script of scripts) {
  const name = basename(script, '.mjs');
  process.stderr.write(`\n== ${name} (load average ${load1()})\n`);
  const { code, out, load } = await run(script);
  const loadText = `${load.start} -> ${load.end} (max ${load.max})`;
  process.stderr.write(`== ${name}: load average ${loadText}\n`);
  let parsed;
  try {
    parsed = lastJson(out);
  } catch {
    parsed = undefined;
  }
  if (code !== 0 || !parsed) {
    rows.push({ name, ratio: NaN, goal: NaN, load: loadText, note: `failed (exit ${code})` });
    results.benchmarks[name] = { error: `exit ${code}`, load };
    continue;
  }
  const noisy = load.max > NOISY;
  results.benchmarks[name] = noisy ? { load, noisy: parsed } : { load, ...parsed };
  const ratios = parsed.ratios ?? [{ name, ratio: parsed.ratio, goal: parsed.goal, higher_is_better: parsed.higher_is_better }];
  for (const r of ratios) {
    rows.push({
      name: r.name ?? name,
      ratio: r.ratio,
      goal: r.goal,
      lower: r.higher_is_better === false,
      load: loadText,
      note: noisy ? 'too noisy' : undefined,
    });
  }
}

const pad = (s, n) => String(s).padEnd(n);
const goalText = (r) => (Number.isFinite(r.goal) ? `${r.lower ? '<=' : '>='} ${r.goal}` : '-');
console.log(`\n${pad('benchmark', 64)}${pad('ratio', 12)}${pad('goal', 14)}${pad('met', 12)}load average start -> end (max)`);
for (const r of rows) {
  // A noisy benchmark's figure is not printed at all: it would read as a measurement.
  const shown = r.note === 'too noisy' || !Number.isFinite(r.ratio) ? '-' : Number(r.ratio.toFixed(3));
  const met = r.note ?? ((r.lower ? r.ratio <= r.goal : r.ratio >= r.goal) ? 'yes' : 'no');
  console.log(`${pad(r.name, 64)}${pad(shown, 12)}${pad(goalText(r), 14)}${pad(met, 12)}${r.load}`);
}
console.log(`\n(${CORES} cores: a benchmark whose load average passed ${NOISY} is "too noisy" and not reported)`);
results.table = rows;
writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${join(dir, 'results.json')}`);
