import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '../../platform/database/prisma.service.js';
import { mapWriteErrors } from '../../platform/database/repository-errors.js';
import type { TeamRole } from '../../platform/auth/principal.js';

export interface MembershipRow {
  teamId: string;
  teamSlug: string;
  role: TeamRole;
  createdAt: Date;
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  kind: 'human' | 'service';
  isAdmin: boolean;
  createdAt: Date;
  memberships: MembershipRow[];
}

const withMemberships = { memberships: { include: { team: { select: { slug: true } } }, orderBy: { createdAt: 'asc' as const } } };

type Raw = {
  id: string;
  email: string;
  name: string;
  kind: string;
  isAdmin: boolean;
  createdAt: Date;
  memberships: { teamId: string; role: string; createdAt: Date; team: { slug: string } }[];
};

function toRow(u: Raw): UserRow {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    kind: u.kind === 'service' ? 'service' : 'human',
    isAdmin: u.isAdmin,
    createdAt: u.createdAt,
    memberships: u.memberships.map((m) => ({ teamId: m.teamId, teamSlug: m.team.slug, role: m.role as TeamRole, createdAt: m.createdAt })),
  };
}

/** Users and memberships. Membership writes take the team id first. */
@Injectable()
export class UsersRepository {
  // System path throughout: users and their memberships span teams (admin listings, a member of several teams).
  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async findByEmail(email: string): Promise<UserRow | null> {
    const u = await this.prisma.system(() => this.prisma.user.findUnique({ where: { email }, include: withMemberships }), { transaction: false });
    return u ? toRow(u) : null;
  }

  /** Throws `UniqueViolation` when the email is taken. */
  async create(data: { email: string; name: string; kind: 'human' | 'service'; isAdmin: boolean }, teamId: string, role: TeamRole): Promise<UserRow> {
    const u = await mapWriteErrors(
      this.prisma.system(
        () =>
          this.prisma.user.create({
            data: { ...data, memberships: { create: { teamId, role } } },
            include: withMemberships,
          }),
        { transaction: false },
      ),
    );
    return toRow(u);
  }

  /** Users with a membership in one of `teamIds` (all users when omitted), by email, after `afterEmail`. */
  async list(teamIds: string[] | undefined, limit: number, afterEmail?: string): Promise<UserRow[]> {
    const rows = await this.prisma.system(
      () =>
        this.prisma.user.findMany({
          where: {
            ...(teamIds ? { memberships: { some: { teamId: { in: teamIds } } } } : {}),
            ...(afterEmail ? { email: { gt: afterEmail } } : {}),
          },
          include: withMemberships,
          orderBy: { email: 'asc' },
          take: limit,
        }),
      { transaction: false },
    );
    return rows.map(toRow);
  }

  /** Throws `RecordNotFound` when the user is gone. */
  async delete(userId: string): Promise<void> {
    await mapWriteErrors(this.prisma.system(() => this.prisma.user.delete({ where: { id: userId } }), { transaction: false }));
  }

  /** Throws `RecordNotFound` when the user is gone. */
  async setAdmin(userId: string, isAdmin: boolean): Promise<void> {
    await mapWriteErrors(this.prisma.system(() => this.prisma.user.update({ where: { id: userId }, data: { isAdmin } }), { transaction: false }));
  }

  async upsertMembership(teamId: string, userId: string, role: TeamRole): Promise<void> {
    await this.prisma.system(
      () =>
        this.prisma.membership.upsert({
          where: { userId_teamId: { userId, teamId } },
          create: { userId, teamId, role },
          update: { role },
        }),
      { transaction: false },
    );
  }

  /** Throws `UniqueViolation` when the user is already a member. */
  async addMembership(teamId: string, userId: string, role: TeamRole): Promise<void> {
    await mapWriteErrors(this.prisma.system(() => this.prisma.membership.create({ data: { teamId, userId, role } }), { transaction: false }));
  }

  async removeMembership(teamId: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.system(() => this.prisma.membership.deleteMany({ where: { teamId, userId } }), { transaction: false });
    return count > 0;
  }

  /** A team's members by email, after `afterEmail`, at most `take`. */
  async members(teamId: string, kind: 'human' | 'service' | undefined, take: number | undefined, afterEmail?: string): Promise<UserRow[]> {
    const rows = await this.prisma.system(
      () =>
        this.prisma.user.findMany({
          where: { memberships: { some: { teamId } }, ...(kind ? { kind } : {}), ...(afterEmail !== undefined ? { email: { gt: afterEmail } } : {}) },
          include: withMemberships,
          orderBy: { email: 'asc' },
          take,
        }),
      { transaction: false },
    );
    return rows.map(toRow);
  }
}
