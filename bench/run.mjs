// `npm run bench`: runs every benchmark in bench/ one after another (each
// measures Mantis and its baseline side by side in the same run), prints a
// table of ratios against their goals and writes bench/results.json.
//
// A benchmark is a bench/*.mjs script whose stdout ends with one JSON object
// carrying either `ratio` and `goal`, or `ratios: [{ name, ratio, goal }]`.
// BENCH_ONLY=auth-me,predict runs a subset.
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
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

function run(script) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, script)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code, out }));
  });
}

const rows = [];
const results = { machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, at: new Date().toISOString(), benchmarks: {} };
for (const script of scripts) {
  const name = basename(script, '.mjs');
  process.stderr.write(`\n== ${name}\n`);
  const { code, out } = await run(script);
  let parsed;
  try {
    parsed = lastJson(out);
  } catch {
    parsed = undefined;
  }
  if (code !== 0 || !parsed) {
    rows.push({ name, ratio: NaN, goal: NaN, note: `failed (exit ${code})` });
    results.benchmarks[name] = { error: `exit ${code}` };
    continue;
  }
  results.benchmarks[name] = parsed;
  const ratios = parsed.ratios ?? [{ name, ratio: parsed.ratio, goal: parsed.goal, higher_is_better: parsed.higher_is_better }];
  for (const r of ratios) rows.push({ name: r.name ?? name, ratio: r.ratio, goal: r.goal, lower: r.higher_is_better === false });
}

const pad = (s, n) => String(s).padEnd(n);
console.log(`\n${pad('benchmark', 40)}${pad('ratio', 10)}${pad('goal', 10)}met`);
for (const r of rows) {
  const met = Number.isFinite(r.ratio) ? ((r.lower ? r.ratio <= r.goal : r.ratio >= r.goal) ? 'yes' : 'no') : r.note;
  console.log(`${pad(r.name, 40)}${pad(Number.isFinite(r.ratio) ? r.ratio.toFixed(3) : '-', 10)}${pad(r.goal ?? '-', 10)}${met}`);
}
results.table = rows;
writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${join(dir, 'results.json')}`);
