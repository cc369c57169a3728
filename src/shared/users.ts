// Accounts as the API answers them (GET /api/me, /api/admin/users), shared by the server's route
// schemas and the web app's types.
import { z } from 'zod';
import { groupMembership } from './groups.ts';
import { singleLineText } from './text.ts';

const role = z.enum(['admin', 'user']);

/** GET /api/me: the signed-in account. */
export const me = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role,
    twoFactorEnabled: z.boolean().describe('TOTP two-factor is set up.'),
    twoFactorRequired: z
      .boolean()
      .describe('An admin who must set up two-factor before any admin route (403 `two_factor_required` until then).'),
  })
  .meta({ id: 'Me', description: 'The signed-in account.' });

/** One account as an admin sees it: never its keys, only which providers it has one for. */
export const adminUser = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role,
    disabled: z.boolean().describe('Disabled accounts cannot sign in; their sessions and tokens stop at once.'),
    createdAt: z.iso.datetime(),
    personalKeys: z.array(z.string()).describe('Providers this account saved a personal key for.'),
    group: groupMembership
      .nullable()
      .optional()
      .describe('The group the account is in; null: none (in GET /api/admin/users answers).'),
  })
  .meta({ id: 'AdminUser', description: 'An account, as an admin sees it.' });

export const USER_SORTS = ['createdAt', 'name', 'email', 'role'] as const;
export const USERS_PAGE_MAX = 200;

/** GET /api/admin/users: every parameter optional; without `limit`, every matching account. */
export const adminUsersQuery = z.object({
  q: singleLineText({ max: 200, trim: true })
    .optional()
    .describe('Only accounts whose name or e-mail contains this (any case).'),
  sort: z.enum(USER_SORTS).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('asc'),
  group: singleLineText({ min: 1, max: 200 })
    .optional()
    .describe('Only the members of this group (its id), or `none`: accounts in no group.'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).describe('1 for the first page.'),
  limit: z.coerce.number().int().min(1).max(USERS_PAGE_MAX).optional().describe('Accounts per page; unset: all.'),
});

export const adminUserList = z
  .object({
    users: z.array(adminUser),
    total: z.number().int().describe('Accounts matching q and group, on every page.'),
    page: z.number().int(),
    limit: z.number().int().nullable().describe('null: every matching account is in this answer.'),
  })
  .describe('Accounts, oldest first unless sort and order say otherwise.');

/** GET /api/admin/users/:id/impact: what deleting the account removes. */
export const accountImpact = z
  .object({
    userId: z.string(),
    personalKeys: z.number().int().describe('Personal provider keys, deleted.'),
    accessTokens: z.number().int().describe('Access tokens, deleted (calls with them stop at once).'),
    conversations: z.number().int().describe('Conversations and their messages, deleted.'),
    usageRows: z
      .number()
      .int()
      .describe(
        "Usage rows (one per model call), deleted: totals and revenue reports no longer count this user's calls.",
      ),
    group: groupMembership.nullable().describe('The group the account leaves.'),
  })
  .meta({ id: 'AccountImpact', description: 'What deleting an account removes: everything it owns, usage included.' });

export type Me = z.infer<typeof me>;
export type AdminUser = z.infer<typeof adminUser>;
export type AdminUserList = z.infer<typeof adminUserList>;
export type AdminUsersQuery = z.infer<typeof adminUsersQuery>;
export type AccountImpact = z.infer<typeof accountImpact>;
export type UserSort = (typeof USER_SORTS)[number];
