// /api/me and the admin's account management.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createUserBody, idParams, updateUserBody } from '../../shared/contracts.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { createUserService } from './user-service.ts';

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  const users = createUserService({
    db: app.database.db,
    auth: app.auth,
    accountsLock: app.accountsLock,
    bus: app.bus,
    personalProvidersByOwner: () => app.vault.personalProvidersByOwner(),
  });

  app.get('/api/me', { onRequest: app.requireUser }, async (request) => {
    const { id, email, name, role } = currentUser(request);
    return { id, email, name, role };
  });

  app.get('/api/admin/users', { onRequest: app.requireAdmin }, async () => ({ users: await users.list() }));

  app.post(
    '/api/admin/users',
    { onRequest: app.requireAdmin, schema: { body: createUserBody } },
    async (request, reply) => reply.status(201).send(await users.create(request.body)),
  );

  app.patch(
    '/api/admin/users/:id',
    { onRequest: app.requireAdmin, schema: { params: idParams, body: updateUserBody } },
    async (request) => users.update(currentUser(request).id, request.params.id, request.body),
  );

  app.delete(
    '/api/admin/users/:id',
    { onRequest: app.requireAdmin, schema: { params: idParams } },
    async (request, reply) => {
      await users.remove(currentUser(request).id, request.params.id);
      return reply.status(204).send();
    },
  );
};
