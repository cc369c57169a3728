// /api/me and the admin's account management.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createUserBody, idParams, updateUserBody } from '../../shared/contracts.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const { users } = app;

  // Who may call each route is the scope's guard (auth/route-scopes.ts).
  await app.register(
    userScope(async (app) => {
      app.get('/api/me', async (request) => {
        const { id, email, name, role } = currentUser(request);
        return { id, email, name, role };
      });
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.get('/api/admin/users', async () => ({ users: await users.list() }));

      app.post('/api/admin/users', { schema: { body: createUserBody } }, async (request, reply) =>
        reply.status(201).send(await users.create(request.body)),
      );

      app.patch('/api/admin/users/:id', { schema: { params: idParams, body: updateUserBody } }, async (request) =>
        users.update(currentUser(request).id, request.params.id, request.body),
      );

      app.delete('/api/admin/users/:id', { schema: { params: idParams } }, async (request, reply) => {
        await users.remove(currentUser(request).id, request.params.id);
        return reply.status(204).send();
      });
    }),
  );
};
