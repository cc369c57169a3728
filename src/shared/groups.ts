// Groups as the API answers them and the bodies it takes (/api/admin/groups, /api/group), shared by
// the server's route schemas and the web app's types. A group (a class, a department) has members,
// at most one group per user, some of them its admins; a budget on the global keys and a model
// list (null: no restriction from the group).
import { z } from 'zod';
import { budgetLimitsBody } from './contracts.ts';
import { budgetLimitsView } from './limits.ts';
import { isWellFormedModelId } from './model-id.ts';
import { messageText, singleLineText } from './text.ts';

export const groupRole = z.enum(['member', 'admin']);

const spentTotals = z.object({
  dayMicrousd: z.number(),
  monthMicrousd: z.number(),
  dayTokens: z.number(),
  monthTokens: z.number(),
});

/** A group as an admin lists it. */
export const groupView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    budgets: budgetLimitsView
      .nullable()
      .describe("Each member's budget on the global keys; null: none (the plan's or the default applies)."),
    models: z
      .array(z.string())
      .nullable()
      .describe('`provider/model` ids the members may use on the global keys; null: no restriction.'),
    memberCount: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Group', description: 'A group: a class or a department.' });

export const groupMemberView = z
  .object({
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    role: groupRole,
    addedAt: z.iso.datetime(),
    spentGlobal: spentTotals.describe('Spent on the global keys this day and month.'),
  })
  .meta({ id: 'GroupMember', description: 'A member of a group, with what they spent on the global keys.' });

export const groupList = z.object({ groups: z.array(groupView) }).describe('Every group, by name.');

/** One group with its members (GET /api/admin/groups/:id, GET /api/group). */
export const groupDetail = groupView
  .extend({ members: z.array(groupMemberView), timezone: z.string() })
  .meta({ id: 'GroupDetail', description: 'A group and its members.' });

/** The group an account belongs to, as GET /api/me tells it (null: none). */
export const groupMembership = z
  .object({ id: z.string(), name: z.string(), role: groupRole })
  .meta({ id: 'GroupMembership', description: 'The group the account belongs to, and its role there.' });

// Request bodies.

/** `provider/model`, the model half held to the common grammar (the server also checks the catalogue). */
const groupModelId = z
  .string()
  .max(260)
  .refine(
    (id) => /^[a-z][a-z0-9-]{0,31}\/./.test(id) && isWellFormedModelId(id.slice(id.indexOf('/') + 1)),
    'models must be `provider/model` ids',
  );

const groupFields = {
  name: singleLineText({ min: 1, max: 100, trim: true }),
  description: messageText({ max: 2000 }),
  budgets: budgetLimitsBody.nullable(),
  models: z.array(groupModelId).max(1000).nullable(),
};

/** POST /api/admin/groups. */
export const createGroupBody = z.object({
  name: groupFields.name,
  description: groupFields.description.optional(),
  budgets: groupFields.budgets.optional(),
  models: groupFields.models.optional(),
});

/** PATCH /api/admin/groups/:id: each field optional. */
export const updateGroupBody = z
  .object(groupFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'Give at least one field to change.');

/** PUT /api/admin/groups/:id/members/:userId. */
export const setMemberBody = z.object({ role: groupRole.optional().describe('Default: member.') });

export const memberParams = z.object({
  id: singleLineText({ min: 1, max: 200 }),
  userId: singleLineText({ min: 1, max: 200 }),
});

export const groupMemberParams = z.object({ userId: singleLineText({ min: 1, max: 200 }) });

/** POST /api/group/members: a group admin adds an account that is in no group, by its e-mail. */
export const addOwnMemberBody = z.object({ email: z.email().max(320) });

export type GroupRole = z.infer<typeof groupRole>;
export type GroupView = z.infer<typeof groupView>;
export type GroupMemberView = z.infer<typeof groupMemberView>;
export type GroupDetail = z.infer<typeof groupDetail>;
export type GroupMembership = z.infer<typeof groupMembership>;
