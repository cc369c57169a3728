// /api/me and the admin's account management.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createUserBody, idParams, updateUserBody } from '../../shared/contracts.ts';
import { adminUser, adminUserList, me } from '../../shared/users.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { noContent } from '../openapi/route-docs.ts';

const tags = ['Accounts'];

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const { users } = app;

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
        { schema: { tags, summary: 'Every account', response: { 200: adminUserList } } },
        async () => ({ users: await users.list() }),
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
        async (request, reply) => reply.status(201).send(await users.create(request.body)),
      );

      app.patch(
        '/api/admin/users/:id',
        {
          schema: {
            tags,
            summary: 'Promote, demote, disable or enable an account',
            description:
              'Disabling signs the account out everywhere and stops its tokens at once. Never yourself (400 `cannot_change_self`), never the last active admin (409 `last_admin`).',
            params: idParams,
            body: updateUserBody,
            response: { 200: adminUser },
          },
        },
        async (request) => users.update(currentUser(request).id, request.params.id, request.body),
      );

      app.delete(
        '/api/admin/users/:id',
        {
          schema: {
            tags,
            summary: 'Delete an account',
            description: 'With its keys, tokens and conversations. Never yourself, never the last active admin.',
            params: idParams,
            response: { 204: noContent },
          },
        },
        async (request, reply) => {
          await users.remove(currentUser(request).id, request.params.id);
          return reply.status(204).send();
        },
      );
    }),
  );
};
