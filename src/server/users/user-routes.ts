// /api/me and the admin's account management.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createUserBody, idParams, updateUserBody } from '../../shared/contracts.ts';
import type { GroupMembership } from '../../shared/groups.ts';
import { accountImpact, adminUser, adminUserList, adminUsersQuery, me } from '../../shared/users.ts';
import { signedInActor } from '../audit/audit-actor.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { commonErrors } from '../errors.ts';
import { noContent } from '../openapi/route-docs.ts';
import type { AdminUserView, UserListQuery } from './user-service.ts';

/** What deleting an account removes, counted by the modules that own it (wired in app.ts). */
export interface UserRoutesOptions {
  impactOf?: (userId: string) => Promise<{
    personalKeys: number;
    accessTokens: number;
    conversations: number;
    usageRows: number;
  }>;
}

const tags = ['Accounts'];

export const userRoutes: FastifyPluginAsyncZod<UserRoutesOptions> = async (app, options) => {
  const { users, groups } = app;

  async function membershipOf(userId: string): Promise<GroupMembership | null> {
    const membership = await groups.membershipOf(userId);
    return membership ? { id: membership.groupId, name: membership.name, role: membership.role } : null;
  }

  /** The accounts with their group (two reads for the page, whatever its size). */
  async function withGroups(list: AdminUserView[]) {
    const [memberships, names] = await Promise.all([
      groups.membershipsByUser(list.map((account) => account.id)),
      groups.names(),
    ]);
    return list.map((account) => {
      const membership = memberships.get(account.id);
      const name = membership && names.get(membership.groupId);
      return {
        ...account,
        group: membership && name ? { id: membership.groupId, name, role: membership.role } : null,
      };
    });
  }

  // Who may call each route is the scope's guard (auth/route-scopes.ts).
  await app.register(
    userScope(async (app) => {
      app.get('/api/me', { schema: { tags, summary: 'Who am I', response: { 200: me } } }, async (request) => {
        const { id, email, name, role, twoFactorEnabled } = currentUser(request);
        const twoFactorRequired =
          role === 'admin' && !twoFactorEnabled && app.sso.settings.current().requireAdminTwoFactor;
        return { id, email, name, role, twoFactorEnabled, twoFactorRequired };
      });
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/users',
        {
          schema: {
            tags,
            summary: 'Accounts: search, sort, pages',
            description:
              "Without parameters, every account, oldest first. `q` searches names and e-mails; `group` keeps one group's members (or `none`); `limit` and `page` cut pages; `total` counts every match. An unknown group: no account.",
            querystring: adminUsersQuery,
            response: { 200: adminUserList },
          },
        },
        async (request) => {
          const { q, sort, order, group, page, limit } = request.query;
          const query: UserListQuery = { q: q || undefined, sort, order, page, limit };
          if (group === 'none') query.exceptIds = await groups.groupedIds();
          else if (group) query.onlyIds = (await groups.memberIds(group)) ?? [];
          const { users: found, total } = await users.list(query);
          return { users: await withGroups(found), total, page, limit: limit ?? null };
        },
      );

      app.get(
        '/api/admin/users/:id/impact',
        {
          schema: {
            tags,
            summary: 'What deleting an account removes',
            description:
              'Counts of what DELETE /api/admin/users/:id deletes with the account: its personal keys, access tokens, conversations and usage rows (usage is deleted, not kept anonymised: totals and revenue reports stop counting the account), and the group it leaves.',
            params: idParams,
            response: { 200: accountImpact },
          },
        },
        async (request) => {
          const { id } = request.params;
          if (!(await users.exists(id))) throw commonErrors.notFound('The user');
          const counts = (await options.impactOf?.(id)) ?? {
            personalKeys: 0,
            accessTokens: 0,
            conversations: 0,
            usageRows: 0,
          };
          return { userId: id, ...counts, group: await membershipOf(id) };
        },
      );

      app.post(
        '/api/admin/users',
        {
          schema: {
            tags,
            summary: 'Create an account',
            description: 'How accounts are made when sign-up is closed. 409 `email_taken` when the email has one.',
            body: createUserBody,
            response: { 201: adminUser },
          },
        },
        async (request, reply) =>
          reply.status(201).send(await users.create(request.body, { actor: signedInActor(request), via: 'admin' })),
      );

      app.patch(
        '/api/admin/users/:id',
        {
          schema: {
            tags,
            summary: 'Rename, promote, demote, disable or enable an account',
            description:
              '`name` renames the account. Disabling signs the account out everywhere and stops its tokens at once. Never yourself (400 `cannot_change_self`), never the last active admin (409 `last_admin`).',
            params: idParams,
            body: updateUserBody,
            response: { 200: adminUser },
          },
        },
        async (request) => {
          const [updated] = await withGroups([
            await users.update(signedInActor(request), request.params.id, request.body),
          ]);
          return updated;
        },
      );

      app.delete(
        '/api/admin/users/:id',
        {
          schema: {
            tags,
            summary: 'Delete an account',
            description:
              'With its keys, tokens, conversations and usage rows (GET /api/admin/users/:id/impact counts them first). Never yourself, never the last active admin.',
            params: idParams,
            response: { 204: noContent },
          },
        },
        async (request, reply) => {
          await users.remove(signedInActor(request), request.params.id);
          return reply.status(204).send();
        },
      );
    }),
  );
};
