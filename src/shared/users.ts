// Accounts as the API answers them (GET /api/me, /api/admin/users), shared by the server's route
// schemas and the web app's types.
import { z } from 'zod';

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
  })
  .meta({ id: 'AdminUser', description: 'An account, as an admin sees it.' });

export const adminUserList = z.object({ users: z.array(adminUser) }).describe('Every account, oldest first.');

export type Me = z.infer<typeof me>;
export type AdminUser = z.infer<typeof adminUser>;
