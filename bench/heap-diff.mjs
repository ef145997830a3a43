// What grew between two heap snapshots of one process: objects counted by
// constructor (or by kind for strings, closures, code and arrays), the
// groups whose count or size grew most, and for each what holds them (the
// retainer's name and the edge), so that a per-run leftover shows as a count
// that rises with the number of runs.
//
//   node bench/heap-diff.mjs before.heapsnapshot after.heapsnapshot [--top 25]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const TOP = Number(args.top);
if (positionals.length !== 2) throw new Error('usage: heap-diff.mjs before.heapsnapshot after.heapsnapshot');

function load(file) {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = snap.snapshot.meta;
  const N = nf.length;
  const E = ef.length;
  const [fType, fName, fId, fSize, fEdges] = ['type', 'name', 'id', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  const nodeTypes = nt[fType];
  const edgeTypes = et[eType];
  const { nodes, edges, strings } = snap;
  const count = nodes.length / N;
  const key = (i) => {
    const type = nodeTypes[nodes[i * N + fType]];
    const name = strings[nodes[i * N + fName]];
    if (type === 'object' || type === 'native') return `${name}`;
    if (type === 'closure') return `(closure) ${name || '(anonymous)'}`;
    return `(${type})`;
  };
  const groups = new Map();
  const ids = new Map();
  const retainers = new Int32Array(count).fill(-1);
  const retainerEdge = new Array(count);
  let e = 0;
  for (let i = 0; i < count; i++) {
    const k = key(i);
    const g = groups.get(k) ?? { count: 0, size: 0 };
    g.count++;
    g.size += nodes[i * N + fSize];
    groups.set(k, g);
    ids.set(nodes[i * N + fId], i);
    const edgeCount = nodes[i * N + fEdges];
    for (let j = 0; j < edgeCount; j++, e++) {
      const type = edgeTypes[edges[e * E + eType]];
      if (type === 'weak' || type === 'shortcut') continue;
      const to = edges[e * E + eTo] / N;
      if (retainers[to] !== -1) continue;
      retainers[to] = i;
      const n = edges[e * E + eName];
      retainerEdge[to] = type === 'element' || type === 'hidden' ? `[${type}]` : String(strings[n]);
    }
  }
  return { groups, ids, key, nodes, N, fId, retainers, retainerEdge, count };
}

const a = load(positionals[0]);
const b = load(positionals[1]);
const rows = [];
for (const [k, g] of b.groups) {
  const before = a.groups.get(k) ?? { count: 0, size: 0 };
  rows.push({
    group: k,
    count_before: before.count,
    count_after: g.count,
    count_delta: g.count - before.count,
    size_delta_kb: Math.round((g.size - before.size) / 1024),
  });
}
const total = (s) => [...s.groups.values()].reduce((t, g) => t + g.size, 0);
console.log(`heap ${Math.round(total(a) / 1048576)} MB -> ${Math.round(total(b) / 1048576)} MB (self sizes, after the snapshot's own GC)`);
const byCount = rows
  .filter((r) => r.count_delta > 0)
  .sort((x, y) => y.count_delta - x.count_delta)
  .slice(0, TOP);
const bySize = rows
  .filter((r) => r.size_delta_kb > 0)
  .sort((x, y) => y.size_delta_kb - x.size_delta_kb)
  .slice(0, TOP);
console.log('\ngrew most by count');
console.table(byCount);
console.log('\ngrew most by size');
console.table(bySize);

// For the groups that grew, what holds the objects that are new in `after` (ids not in `before`).
console.log('\nwho holds the new objects (first retainer: name . edge), top groups by count');
for (const r of byCount.slice(0, Math.min(TOP, 12))) {
  const holders = new Map();
  for (let i = 0; i < b.count; i++) {
    if (b.key(i) !== r.group || a.ids.has(b.nodes[i * b.N + b.fId])) continue;
    const ret = b.retainers[i];
    const h = ret === -1 ? '(root)' : `${b.key(ret)} . ${b.retainerEdge[i]}`;
    holders.set(h, (holders.get(h) ?? 0) + 1);
  }
  const top = [...holders].sort((x, y) => y[1] - x[1]).slice(0, 4);
  console.log(`${r.group} (+${r.count_delta}):`, top.map(([h, n]) => `${n}× ${h}`).join('; '));
}
