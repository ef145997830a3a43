import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { CliError, client, enc, remote, run, type RemoteOptions } from './cli-client.js';

interface ExportOptions extends RemoteOptions {
  format: string;
  since?: string;
  until?: string;
  action?: string;
  actor?: string;
  outcome?: string;
  output?: string;
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log');
  remote(audit.command('export').description("stream audit events (a team's, or every team's for admins) as NDJSON or CSV"))
    .option('--format <format>', 'ndjson or csv', 'ndjson')
    .option('--since <iso>', 'from (inclusive)')
    .option('--until <iso>', 'to (exclusive)')
    .option('--action <action>', 'e.g. api_key.revoke')
    .option('--actor <actor>', 'user email, user id or mk_ key prefix')
    .option('--outcome <outcome>', 'success, denied or error')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(
      run(async (o: ExportOptions) => {
        if (!['ndjson', 'csv'].includes(o.format)) throw new CliError('--format must be ndjson or csv', 2);
        const c = await client({ apiKey: o.apiKey });
        let base: string;
        if (o.team) base = `/api/v1/teams/${enc(o.team)}/audit-events/export`;
        else {
          const me = await c.request<{ admin: boolean; teams: { team: string }[] }>('GET', '/api/v1/me');
          if (me.admin) base = '/api/v1/audit-events/export';
          else if (me.teams.length === 1) base = `/api/v1/teams/${enc(me.teams[0].team)}/audit-events/export`;
          else throw new CliError('you are in several teams; name one with --team', 2);
        }
        const qs = new URLSearchParams({ format: o.format });
        for (const k of ['since', 'until', 'action', 'actor', 'outcome'] as const) if (o[k]) qs.set(k, o[k]!);
        const res = await c.raw('GET', `${base}?${qs}`);
        const out: Writable = o.output ? createWriteStream(o.output, { mode: 0o600 }) : process.stdout;
        await pipeline(Readable.fromWeb(res.body as WebReadableStream), out, { end: !!o.output });
      }),
    );
}
