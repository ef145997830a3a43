import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TEST_MASTER_KEY } from './master-key.js';

export const CLI_ENTRY = resolve('dist/cli/main.js');

/** The built CLI; `npm test` builds first. */
export function assertBuilt(): void {
  if (!existsSync(CLI_ENTRY)) throw new Error(`${CLI_ENTRY} missing: run npm run build (npm test does)`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mantis ARGS` with exactly the given environment (plus PATH/HOME). */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  assertBuilt();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: env.HOME ?? process.env.HOME,
        ...(env.DATABASE_URL ? { MANTIS_MASTER_KEY: TEST_MASTER_KEY } : {}),
        ...env,
      } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mantis ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `mantis <command>` and waits for its "mantis listening" (or, for a worker, "mantis worker started") log line. */
export function startServer(command: string[], env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<ServerProcess> {
  assertBuilt();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...command], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: '0',
        ...(env.DATABASE_URL ? { MANTIS_MASTER_KEY: TEST_MASTER_KEY } : {}),
        ...env,
      } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d;
      const m = /"port":(\d+)[^\n]*"msg":"mantis listening"/.exec(out);
      if (m || /"msg":"mantis worker started"/.test(out)) {
        clearTimeout(timer);
        const port = m ? Number(m[1]) : 0;
        resolvePromise({
          child,
          port,
          url: `http://127.0.0.1:${port}`,
          output: () => out,
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code ?? signal}:\n${out}`));
    });
  });
}
