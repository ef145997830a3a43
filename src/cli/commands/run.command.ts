import type { Command } from 'commander';
import { CliError, client, enc, remote, run, type RemoteOptions } from './cli-client.js';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'timed_out']);

interface RunView {
  run_id: string;
  status: string;
  workflow?: string | null;
  cost_usd?: number;
  result?: unknown;
  error?: { code: string; message: string } | null;
}

function parseInputs(pairs: string[], json?: string): Record<string, unknown> {
  let inputs: Record<string, unknown> = {};
  if (json) {
    try {
      inputs = JSON.parse(json) as Record<string, unknown>;
    } catch {
      throw new CliError('--inputs must be a JSON object', 2);
    }
  }
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new CliError(`--input ${p}: expected key=value`, 2);
    inputs[p.slice(0, i)] = p.slice(i + 1);
  }
  return inputs;
}

export function registerRunCommand(program: Command): void {
  remote(program.command('run').description('start a run of a stored workflow'))
    .argument('<workflow>', 'workflow name')
    .option('--input <key=value>', 'an input (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--inputs <json>', 'inputs as a JSON object')
    .option('--max-cost <usd>', 'cost cap for this run', Number)
    .option('--wait', 'wait until the run is terminal and print its result')
    .action(
      run(async (workflow: string, o: RemoteOptions & { input: string[]; inputs?: string; maxCost?: number; wait?: boolean }) => {
        const c = await client(o);
        const body = { inputs: parseInputs(o.input, o.inputs), ...(o.maxCost !== undefined ? { max_cost: o.maxCost } : {}) };
        let r = await c.request<RunView>('POST', `/api/v1/run/${enc(workflow)}`, body);
        process.stdout.write(`Run ${r.run_id} ${r.status} (workflow ${workflow}).\n`);
        if (!o.wait) return;
        while (!TERMINAL.has(r.status)) {
          await new Promise((res) => setTimeout(res, 1000));
          r = await c.request<RunView>('GET', `/api/v1/executions/${enc(r.run_id)}`);
        }
        process.stdout.write(`Run ${r.run_id} ${r.status}; cost $${(r.cost_usd ?? 0).toFixed(4)}.\n`);
        if (r.error) process.stdout.write(`Error: ${r.error.code}: ${r.error.message}\n`);
        if (r.result !== undefined && r.result !== null) process.stdout.write(`${JSON.stringify(r.result, null, 2)}\n`);
        if (r.status !== 'succeeded') process.exitCode = 1;
      }),
    );
}
