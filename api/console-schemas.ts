/**
 * Shapes of the console's endpoints (sessions, people, publishing), in zod:
 * the routers parse with them and /openapi.json documents them.
 */
import { z } from 'zod';
import { EmailSchema, TeamSchema } from '../domain';
import { USER_ROLES } from '../db/users';

const isoDateTime = z.iso.datetime({ offset: true });

export const SignInSchema = z.strictObject({
  email: z.string().trim().min(1, { message: 'Enter your email' }).max(320),
  password: z.string().min(1, { message: 'Enter your password' }).max(1024),
});

const SessionUserSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  repId: z.string().nullable(),
});

export const SessionSchema = z.object({
  user: SessionUserSchema,
  /** Echo in `X-CSRF-Token` on every state-changing call made with the session cookie. */
  csrfToken: z.string(),
  expiresAt: isoDateTime,
});

export const RepIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'Use 1-64 letters, digits, dots, dashes or underscores' });

export const NewRepSchema = z.strictObject({
  repId: RepIdSchema,
  name: z.string().trim().min(1, { message: 'Enter a name' }).max(200),
  email: EmailSchema.optional(),
  team: TeamSchema,
  capacity: z.int({ message: 'Capacity must be a whole number' }).min(0).max(10_000),
  isTeamLead: z.boolean().default(false),
});

export const RepLoadListSchema = z.object({
  items: z.array(
    z.object({
      repId: z.string(),
      name: z.string(),
      team: TeamSchema,
      capacity: z.int(),
      isTeamLead: z.boolean(),
      active: z.boolean(),
      /** Leads assigned to the rep in a cycle still open: what round robin counts against capacity. */
      openLeads: z.int(),
    }),
  ),
});

export const NewUserSchema = z.strictObject({
  email: EmailSchema,
  name: z.string().trim().min(1, { message: 'Enter a name' }).max(200),
  role: z.enum(USER_ROLES),
  /** Required for a rep login: the rep it acts as. */
  repId: RepIdSchema.optional(),
});

const UserSchema = SessionUserSchema.extend({ active: z.boolean(), createdAt: isoDateTime });
export const UserListSchema = z.object({ items: z.array(UserSchema) });
export const CreatedLoginSchema = z.object({
  user: UserSchema,
  /** Generated; shown this once and stored only as a bcrypt hash. */
  password: z.string(),
});

export const PublishRequestSchema = z.strictObject({ ruleset: z.unknown() });
export const PublicationSchema = z.object({
  version: z.string(),
  /** The API key id, or `session:<userId>` for a person signed in to the console. */
  publishedBy: z.string(),
  publishedAt: isoDateTime,
});
export const PublicationListSchema = z.object({
  items: z.array(PublicationSchema.extend({ /** When a person published from the console. */ publisherEmail: z.string().nullable() })),
});
