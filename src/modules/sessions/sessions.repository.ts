import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service.js';
import type { IdentityRow } from '../api-keys/api-keys.repository.js';

const IDENTITY = {
  id: true,
  email: true,
  kind: true,
  isAdmin: true,
  memberships: { select: { teamId: true, role: true, team: { select: { slug: true } } } },
} as const;

export interface SessionRow {
  id: string;
  authMethod: string;
  lastSeenAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  user: IdentityRow;
  apiKey: { id: string; teamId: string | null; prefix: string; scopes: string[]; source: string; revokedAt: Date | null; expiresAt: Date | null } | null;
}

export interface NewSession {
  tokenHash: string;
  userId: string;
  apiKeyId: string | null;
  authMethod: 'oidc' | 'api_key';
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export interface OidcLoginRow {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  redirectUri: string;
  expiresAt: Date;
}

/** The only Prisma user for console sessions and OIDC sign-ins in flight. Sessions are found by token hash only. */
@Injectable()
export class SessionsRepository {
  // System path throughout: a console session belongs to a principal, not a team, and is looked up before any team is known.
  constructor(private readonly prisma: PrismaService) {}

  /** The session with its user's current identity and the key it came from. */
  findByHash(tokenHash: string): Promise<SessionRow | null> {
    return this.prisma.system(
      () =>
        this.prisma.session.findUnique({
          where: { tokenHash },
          select: {
            id: true,
            authMethod: true,
            lastSeenAt: true,
            expiresAt: true,
            endedAt: true,
            user: { select: IDENTITY },
            apiKey: { select: { id: true, teamId: true, prefix: true, scopes: true, source: true, revokedAt: true, expiresAt: true } },
          },
        }),
      { transaction: false },
    );
  }

  /** Also drops the user's sessions that can no longer be used (ended, expired or idle past `idleBefore`). */
  async insert(row: NewSession, idleBefore: Date): Promise<{ id: string }> {
    const now = new Date();
    const [, created] = await this.prisma.system(() =>
      this.prisma.$transaction([
        this.prisma.session.deleteMany({
          where: { userId: row.userId, OR: [{ endedAt: { not: null } }, { expiresAt: { lt: now } }, { lastSeenAt: { lt: idleBefore } }] },
        }),
        this.prisma.session.create({ data: row, select: { id: true } }),
      ]),
    );
    return created;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.system(() => this.prisma.session.updateMany({ where: { id, endedAt: null }, data: { lastSeenAt: at } }), { transaction: false });
  }

  /** Ends the session; false when it had already ended. */
  async end(id: string): Promise<boolean> {
    const r = await this.prisma.system(() => this.prisma.session.updateMany({ where: { id, endedAt: null }, data: { endedAt: new Date() } }), {
      transaction: false,
    });
    return r.count > 0;
  }

  async saveOidcLogin(stateHash: string, row: OidcLoginRow): Promise<void> {
    await this.prisma.system(() =>
      this.prisma.$transaction([
        this.prisma.oidcLogin.deleteMany({ where: { expiresAt: { lt: new Date() } } }),
        this.prisma.oidcLogin.create({ data: { stateHash, ...row } }),
      ]),
    );
  }

  /** Takes the sign-in out of the table: a state works once. */
  async takeOidcLogin(stateHash: string): Promise<OidcLoginRow | null> {
    const rows = await this.prisma.system(
      () => this.prisma.$queryRaw<OidcLoginRow[]>`
      DELETE FROM oidc_logins WHERE state_hash = ${stateHash}
      RETURNING code_verifier AS "codeVerifier", nonce, return_to AS "returnTo", redirect_uri AS "redirectUri", expires_at AS "expiresAt"`,
      { transaction: false },
    );
    return rows[0] ?? null;
  }
}
