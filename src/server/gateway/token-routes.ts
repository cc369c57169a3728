// /api/tokens: each user creates, lists and revokes their own access tokens (cookie session).
import { createTokenBody, idParams } from '../../shared/contracts.ts';
import { accessTokenList, createdAccessToken } from '../../shared/tokens.ts';
import { signedInActor } from '../audit/audit-actor.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { userScope } from '../auth/route-scopes.ts';
import { noContent } from '../openapi/route-docs.ts';

const tags = ['Tokens'];

/** Signed-in users only (the scope's guard). */
export const tokenRoutes = userScope(async (app) => {
  app.post(
    '/api/tokens',
    {
      schema: {
        tags,
        summary: 'Create an access token',
        description:
          'For /v1 (`Authorization: Bearer wbx_…`). The answer is the only time the token is shown: only its SHA-256 hash is kept.',
        body: createTokenBody,
        response: { 201: createdAccessToken },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await app.accessTokens.create(signedInActor(request), request.body)),
  );

  app.get(
    '/api/tokens',
    {
      schema: { tags, summary: 'Your access tokens', description: 'Newest first.', response: { 200: accessTokenList } },
    },
    async (request) => ({ tokens: await app.accessTokens.list(currentUser(request).id) }),
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an access token',
        description: "At once, on every instance. Another user's token answers 404.",
        params: idParams,
        response: { 204: noContent },
      },
    },
    async (request, reply) => {
      await app.accessTokens.revoke(signedInActor(request), request.params.id);
      return reply.status(204).send();
    },
  );
});
