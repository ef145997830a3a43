import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The shell commands of the README's "Quick start" section, in order (comments dropped, one entry a line). */
export function quickStartCommands(readme: string): string[] {
  const start = readme.indexOf('## Quick start');
  if (start < 0) throw new Error('README.md has no "## Quick start" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks
    .flatMap((b) => b.replace(/\\\n\s*/g, ' ').split('\n'))
    .map(stripComment)
    .filter((l) => l !== '');
}

/** Drops a trailing `# comment` that is outside quotes. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trim();
  }
  return line.trim();
}

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = e.name === 'generated' ? t : Math.max(t, newest(p));
    else t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const CHECKOUT = [
  'package.json',
  'package-lock.json',
  'README.md',
  'nest-cli.json',
  'prisma.config.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts',
  'prisma',
  'src',
  'dist',
];

/**
 * A copy of this checkout as a fresh clone looks after `npm ci` and the
 * build `npm start` does: the tracked tree and `dist/` with their times kept
 * (so `npm start` sees the build is current), `node_modules` linked.
 */
export function copyCheckout(): string {
  if (!existsSync('dist/cli/main.js') || newest('src') > statSync('dist/cli/main.js').mtimeMs) {
    throw new Error('dist/ is missing or older than src/: run npm run build first');
  }
  const dir = mkdtempSync(join(tmpdir(), 'mantis-quickstart-'));
  for (const entry of CHECKOUT) cpSync(entry, join(dir, entry), { recursive: true, preserveTimestamps: true });
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface Shell {
  child: ChildProcess;
  /** stdout and stderr as they came. */
  output(): string;
  stdout(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  /** Signals the whole process group, as a terminal's Ctrl-C does. */
  signal(sig: NodeJS.Signals): void;
}

/** `sh -c COMMAND` in its own process group, with exactly `env`. */
export function shell(command: string, cwd: string, env: Record<string, string>): Shell {
  const child = spawn('sh', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d;
    for (const l of listeners) l();
  };
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
    onData(d);
  });
  child.stderr!.on('data', onData);
  // 'close': the process exited and its output is all read.
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return {
    child,
    output: () => out,
    stdout: () => stdout,
    exited,
    signal: (sig) => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already gone
      }
    },
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((res, rej) => {
        const check = () => {
          const m = pattern.exec(out);
          if (!m) return;
          done();
          res(m);
        };
        const timer = setTimeout(() => (done(), rej(new Error(`no ${pattern} in the output of ${command}:\n${out}`))), timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then((code) => {
          if (!listeners.has(check)) return;
          done();
          rej(new Error(`${command} exited (${code}) before printing ${pattern}:\n${out}`));
        });
        check();
      }),
  };
}

/** Runs a command to completion. */
export async function runShell(command: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; output: string }> {
  const sh = shell(command, cwd, env);
  const code = await sh.exited;
  return { code, stdout: sh.stdout(), output: sh.output() };
}
