// /api/tokens: each user creates, lists and revokes their own access tokens (cookie session).
import { createTokenBody, idParams } from '../../shared/contracts.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { userScope } from '../auth/route-scopes.ts';

/** Signed-in users only (the scope's guard). */
export const tokenRoutes = userScope(async (app) => {
  app.post('/api/tokens', { schema: { body: createTokenBody } }, async (request, reply) =>
    reply.status(201).send(await app.accessTokens.create(currentUser(request).id, request.body)),
  );

  app.get('/api/tokens', async (request) => ({
    tokens: await app.accessTokens.list(currentUser(request).id),
  }));

  app.delete('/api/tokens/:id', { schema: { params: idParams } }, async (request, reply) => {
    await app.accessTokens.revoke(currentUser(request).id, request.params.id);
    return reply.status(204).send();
  });
});
