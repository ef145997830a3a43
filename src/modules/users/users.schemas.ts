import { z } from 'zod';
import { nextCursorSchema, pageLimit } from '../../platform/http/pagination.js';
import { TEAM_ROLES } from '../../platform/auth/principal.js';

/** Service accounts live at <name>@<team>.service.mantis: no human may take such an address. */
export const SERVICE_DOMAIN = '.service.mantis';

export const emailSchema = z
  .email({ message: 'must be an email address' })
  .max(320)
  .transform((e) => e.toLowerCase());

export const humanEmailSchema = emailSchema.refine((e) => !e.endsWith(SERVICE_DOMAIN), {
  message: `addresses under ${SERVICE_DOMAIN} are reserved for service accounts`,
});

export const ASSIGNABLE_ROLES = [...TEAM_ROLES, 'admin'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];
const teamSlug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'must be a team slug' });

export const createUserSchema = z
  .object({
    email: humanEmailSchema,
    name: z.string().trim().min(1).max(200),
    team: teamSlug,
    role: z.enum(ASSIGNABLE_ROLES).default('viewer').describe('`admin` makes a global admin (admins only) who is also team_owner of `team`'),
  })
  .strict();
export type CreateUserBody = z.infer<typeof createUserSchema>;

export const assignRoleSchema = z
  .object({
    team: teamSlug.optional().describe('defaults to X-Mantis-Team or the caller’s only team; not needed for `admin`'),
    role: z.enum(ASSIGNABLE_ROLES),
  })
  .strict();
export type AssignRoleBody = z.infer<typeof assignRoleSchema>;

export const listUsersQuerySchema = z.object({
  team: teamSlug.optional(),
  limit: pageLimit(500, 100),
  cursor: z.string().max(400).optional(),
});
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;

export const addMemberSchema = z
  .object({
    email: emailSchema,
    role: z.enum(TEAM_ROLES),
    name: z.string().trim().min(1).max(200).optional().describe('creates the user when there is none with this email'),
  })
  .strict();
export type AddMemberBody = z.infer<typeof addMemberSchema>;

export const SERVICE_ACCOUNT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const createServiceAccountSchema = z
  .object({
    name: z.string().regex(SERVICE_ACCOUNT_NAME, { message: 'must match ^[a-z0-9][a-z0-9_-]{0,62}$' }),
    role: z.enum(TEAM_ROLES).default('operator'),
  })
  .strict();
export type CreateServiceAccountBody = z.infer<typeof createServiceAccountSchema>;

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  kind: z.enum(['human', 'service']),
  admin: z.boolean(),
  teams: z.array(z.object({ team: z.string(), role: z.enum(TEAM_ROLES) })),
  created_at: z.string(),
});
export type UserView = z.infer<typeof userSchema>;
export const userListSchema = z.object({ data: z.array(userSchema), next_cursor: z.string().nullable() });

export const memberSchema = z.object({
  email: z.string(),
  name: z.string(),
  kind: z.enum(['human', 'service']),
  role: z.enum(TEAM_ROLES),
  admin: z.boolean(),
  since: z.string(),
});
export type MemberView = z.infer<typeof memberSchema>;
export const memberListSchema = z.object({ data: z.array(memberSchema), next_cursor: nextCursorSchema });

export const serviceAccountSchema = z.object({ name: z.string(), email: z.string(), team: z.string(), role: z.enum(TEAM_ROLES), created_at: z.string() });
export type ServiceAccountView = z.infer<typeof serviceAccountSchema>;
export const serviceAccountListSchema = z.object({ data: z.array(serviceAccountSchema), next_cursor: nextCursorSchema });
