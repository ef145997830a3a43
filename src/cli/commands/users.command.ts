import type { Command } from 'commander';
import { client, enc, remote, run, type RemoteOptions } from './cli-client.js';
import type { ApiKeyView as KeyView } from '../../modules/api-keys/api-keys.schemas.js';
import type { UserView } from '../../modules/users/users.schemas.js';
import { printFields, printTable, shortDate } from './cli-output.js';

function keyStatus(k: KeyView): string {
  if (k.revoked_at) return 'revoked';
  if (k.expires_at && Date.parse(k.expires_at) <= Date.now()) return 'expired';
  return 'active';
}

export function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('users and their API keys');

  remote(users.command('create').description('create a user in a team with a role'), { team: false })
    .requiredOption('--email <email>')
    .requiredOption('--name <name>')
    .requiredOption('--team <team>', 'team slug')
    .option('--role <role>', 'viewer, operator, auditor, team_owner or admin', 'viewer')
    .action(
      run(async (o: RemoteOptions & { email: string; name: string; role: string }) => {
        const u = await (
          await client({ apiKey: o.apiKey })
        ).request<UserView>('POST', '/api/v1/users', { email: o.email, name: o.name, team: o.team, role: o.role });
        process.stdout.write(`Created user ${u.email} (${o.role} in ${o.team}).\n`);
      }),
    );

  remote(users.command('get').description('show a user'))
    .requiredOption('--email <email>')
    .action(
      run(async (o: RemoteOptions & { email: string }) => {
        const u = await (await client(o)).request<UserView>('GET', `/api/v1/users/${enc(o.email)}`);
        printFields([
          ['Email', u.email],
          ['Name', u.name],
          ['Kind', u.kind],
          ['Admin', u.admin ? 'yes' : 'no'],
          ['Teams', u.teams.map((t) => `${t.team} (${t.role})`).join(', ')],
          ['Created', shortDate(u.created_at)],
        ]);
      }),
    );

  remote(users.command('list').description('list users (admins: all; team owners: their members)')).action(
    run(async (o: RemoteOptions) => {
      const c = await client({ apiKey: o.apiKey });
      const rows: UserView[] = [];
      let cursor: string | null = null;
      do {
        const qs: string = `?limit=500${o.team ? `&team=${enc(o.team)}` : ''}${cursor ? `&cursor=${enc(cursor)}` : ''}`;
        const page: { data: UserView[]; next_cursor: string | null } = await c.request('GET', `/api/v1/users${qs}`);
        rows.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      printTable(
        ['email', 'name', 'kind', 'admin', 'teams'],
        rows.map((u) => [u.email, u.name, u.kind, u.admin ? 'yes' : 'no', u.teams.map((t) => `${t.team}:${t.role}`).join(',')]),
      );
    }),
  );

  remote(users.command('api-key').description('create an API key for a user (printed once)'))
    .requiredOption('--email <email>')
    .requiredOption('--key-name <name>')
    .option('--expires <duration>', 'lifetime, e.g. 90d (units s, m, h, d)')
    .option('--scopes <list>', 'comma-separated: run,status,result,logs')
    .action(
      run(async (o: RemoteOptions & { email: string; keyName: string; expires?: string; scopes?: string }) => {
        const body = {
          name: o.keyName,
          expires_in: o.expires,
          scopes: o.scopes
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        };
        const k = await (
          await client(o)
        ).request<{ key: string; name: string; prefix: string; expires_at: string | null; scopes: string[] }>(
          'POST',
          `/api/v1/users/${enc(o.email)}/api-keys`,
          body,
        );
        process.stdout.write(`Created API key ${k.name} (${k.prefix}) for ${o.email}; scopes ${k.scopes.join(',')}; expires ${k.expires_at ?? 'never'}.\n`);
        process.stdout.write(`API Key: ${k.key}\n`);
        process.stdout.write('Save this key — it cannot be retrieved again.\n');
      }),
    );

  remote(users.command('list-keys').description("list a user's API keys (never the keys themselves)"))
    .requiredOption('--email <email>')
    .action(
      run(async (o: RemoteOptions & { email: string }) => {
        const c = await client(o);
        const data: KeyView[] = [];
        let cursor: string | null = null;
        do {
          const page: { data: KeyView[]; next_cursor: string | null } = await c.request(
            'GET',
            `/api/v1/users/${enc(o.email)}/api-keys?limit=200${cursor ? `&cursor=${enc(cursor)}` : ''}`,
          );
          data.push(...page.data);
          cursor = page.next_cursor;
        } while (cursor);
        printTable(
          ['name', 'prefix', 'scopes', 'status', 'created', 'last used', 'expires', 'source'],
          data.map((k) => [
            k.name,
            k.prefix,
            k.scopes.join(','),
            keyStatus(k),
            shortDate(k.created_at),
            shortDate(k.last_used_at),
            shortDate(k.expires_at),
            k.source,
          ]),
        );
      }),
    );
}

export function registerAuthCommands(program: Command): void {
  const auth = program.command('auth').description('credentials');
  remote(auth.command('revoke-key').description("revoke one of a user's API keys"))
    .requiredOption('--email <email>')
    .requiredOption('--key-name <name>')
    .action(
      run(async (o: RemoteOptions & { email: string; keyName: string }) => {
        const k = await (await client(o)).request<KeyView>('DELETE', `/api/v1/users/${enc(o.email)}/api-keys/${enc(o.keyName)}`);
        process.stdout.write(`Revoked API key ${k.name} (${k.prefix}) of ${o.email}.\n`);
      }),
    );
}

export function registerRolesCommands(program: Command): void {
  const roles = program.command('roles').description('team roles');
  remote(roles.command('assign').description("set a user's role in a team (admin: global admin flag)"))
    .requiredOption('--email <email>')
    .requiredOption('--role <role>', 'viewer, operator, auditor, team_owner or admin')
    .action(
      run(async (o: RemoteOptions & { email: string; role: string }) => {
        const u = await (await client({ apiKey: o.apiKey })).request<UserView>('PUT', `/api/v1/users/${enc(o.email)}/role`, { role: o.role, team: o.team });
        const where =
          o.role === 'admin'
            ? 'globally'
            : `in ${
                o.team ??
                u.teams
                  .filter((t) => t.role === o.role)
                  .map((t) => t.team)
                  .join(',')
              }`;
        process.stdout.write(`Assigned ${o.role} to ${u.email} ${where}.\n`);
      }),
    );
}
