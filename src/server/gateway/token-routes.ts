// /api/tokens: each user creates, lists and revokes their own access tokens (cookie session).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createTokenBody, idParams } from '../../shared/contracts.ts';
import { currentUser } from '../auth/auth-plugin.ts';

export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/tokens', { onRequest: app.requireUser, schema: { body: createTokenBody } }, async (request, reply) =>
    reply.status(201).send(await app.accessTokens.create(currentUser(request).id, request.body)),
  );

  app.get('/api/tokens', { onRequest: app.requireUser }, async (request) => ({
    tokens: await app.accessTokens.list(currentUser(request).id),
  }));

  app.delete(
    '/api/tokens/:id',
    { onRequest: app.requireUser, schema: { params: idParams } },
    async (request, reply) => {
      await app.accessTokens.revoke(currentUser(request).id, request.params.id);
      return reply.status(204).send();
    },
  );
};
