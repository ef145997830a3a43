import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamicModule, Type } from '@nestjs/common';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AppModule } from '../app.module.js';
import { loadConfig } from '../config/app-config.js';

/**
 * The feature modules form a graph without cycles, twice over: the Nest
 * modules (what each module `imports`, walked from AppModule) and the
 * folders of src/modules (which folder's files import which other folder's).
 * A cycle means two features cannot be understood, or tested, one without
 * the other; the fix is to move the shared piece where it belongs or to
 * invert the dependency with a port, never `forwardRef`.
 */

const MODULES_DIR = dirname(fileURLToPath(import.meta.url));

type ModuleRef = Type | DynamicModule | Promise<DynamicModule> | { forwardRef: () => unknown };

interface Edge {
  from: string;
  to: string;
  via: string;
}

/** Every cycle of a directed graph, each as the path that closes it (first node repeated at the end). */
function cycles(nodes: Iterable<string>, edges: Map<string, Edge[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    path.push(n);
    for (const to of new Set((edges.get(n) ?? []).map((e) => e.to))) {
      if (state.get(to) === 'open') found.push([...path.slice(path.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    path.pop();
    state.set(n, 'done');
  };
  for (const n of nodes) if (!state.has(n)) visit(n);
  return found;
}

function describeCycle(cycle: string[], edges: Map<string, Edge[]>): string {
  const steps = cycle.slice(1).map((to, i) =>
    edges
      .get(cycle[i])!
      .filter((e) => e.to === to)
      .map((e) => `  ${e.via}`),
  );
  return `${cycle.join(' -> ')}\n${steps.flat().join('\n')}`;
}

/** The Nest module graph below AppModule: module names, their import edges, and which are global. */
function nestGraph() {
  const config = loadConfig({ MANTIS_CONFIG: undefined });
  const root = AppModule.forRoot({ config, logger: pino({ enabled: false }), databaseUrl: 'postgres://unused', roles: ['api'] });
  const edges = new Map<string, Edge[]>();
  const classes = new Map<string, Type>();
  const forwardRefs: string[] = [];
  const nameOf = (m: Type | DynamicModule) => ('module' in m ? m.module.name : m.name);
  const importsOf = (m: Type | DynamicModule): ModuleRef[] => [
    ...((Reflect.getMetadata('imports', 'module' in m ? m.module : m) as ModuleRef[] | undefined) ?? []),
    ...('module' in m ? ((m.imports ?? []) as ModuleRef[]) : []),
  ];
  const walk = (m: Type | DynamicModule) => {
    const name = nameOf(m);
    if (edges.has(name)) return;
    edges.set(name, []);
    classes.set(name, 'module' in m ? m.module : m);
    for (const i of importsOf(m)) {
      if (i instanceof Promise) continue; // async dynamic modules: none of ours
      if ('forwardRef' in i) {
        forwardRefs.push(name);
        continue;
      }
      edges.get(name)!.push({ from: name, to: nameOf(i), via: `${name} imports ${nameOf(i)}` });
      walk(i);
    }
  };
  walk(root);
  return { edges, classes, forwardRefs };
}

/** The folder graph of src/modules: folder -> folder, with the file imports behind each edge. */
function folderGraph() {
  const edges = new Map<string, Edge[]>();
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
  const folderOf = (file: string) => relative(MODULES_DIR, file).split('/')[0];
  const folders = readdirSync(MODULES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  for (const folder of folders) {
    edges.set(folder, []);
    for (const file of files(join(MODULES_DIR, folder))) {
      if (file.endsWith('.spec.ts')) continue;
      const source = readFileSync(file, 'utf8');
      for (const [, spec] of source.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/g)) {
        const target = normalize(join(dirname(file), spec));
        if (!target.startsWith(MODULES_DIR + '/')) continue;
        const to = folderOf(target);
        if (to === folder || !folders.includes(to)) continue;
        edges.get(folder)!.push({ from: folder, to, via: `${relative(MODULES_DIR, file)} imports ${relative(MODULES_DIR, target)}` });
      }
    }
  }
  return { folders, edges };
}

describe('module graph', () => {
  it('has no cycle among the Nest modules and uses no forwardRef', () => {
    const { edges, forwardRefs } = nestGraph();
    expect(edges.has('IdentityModule') && edges.has('RunsModule'), 'the walk reaches the feature modules').toBe(true);
    expect(forwardRefs).toEqual([]);
    expect(cycles(edges.keys(), edges).map((c) => describeCycle(c, edges))).toEqual([]);
  });

  it('makes no feature module global: each module imports what it uses', () => {
    const { classes } = nestGraph();
    const featureModules = [...classes.entries()].filter(([name]) => name !== 'AppModule' && name !== 'CoreModule' && name !== 'DatabaseModule');
    const global = featureModules.filter(([, cls]) => Reflect.getMetadata('__module:global__', cls) === true).map(([name]) => name);
    // Infrastructure only: IdempotencyModule backs `@Idempotent()`, a decorator any controller may use;
    // IdentityPortsModule (app.module.ts) provides platform's identity ports to the guards and the request interceptor.
    expect(global.sort()).toEqual(['IdempotencyModule', 'IdentityPortsModule']);
  });

  it('has no cycle among the folders of src/modules', () => {
    const { folders, edges } = folderGraph();
    expect(folders).toContain('runs');
    expect(cycles(folders, edges).map((c) => describeCycle(c, edges))).toEqual([]);
  });
});
