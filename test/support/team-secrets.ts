import { expect } from 'vitest';
import type { TestApp } from './app.js';
import { createUser, type TeamFixture } from './factories.js';

/** Stores a secret in the team's vault through the API, as a team owner would. */
export async function putSecret(t: TestApp, team: TeamFixture, name: string, value: string): Promise<void> {
  const owner = await createUser(t.prisma, { team, role: 'team_owner' });
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/teams/${team.slug}/secrets/${name}`,
    headers: { 'x-mantis-token': owner.key, 'content-type': 'application/json' },
    payload: { value },
  });
  expect([200, 201]).toContain(res.statusCode);
}
