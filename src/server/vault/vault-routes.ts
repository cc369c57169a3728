// /api/keys (each user's own keys) and /api/admin/keys (the operator's global keys).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { providerParams, saveKeyBody } from '../../shared/contracts.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';

export const vaultRoutes: FastifyPluginAsyncZod = async (app) => {
  // Who may call each route is the scope's guard (auth/route-scopes.ts).
  await app.register(
    userScope(async (app) => {
      app.get('/api/keys', async (request) => ({
        providers: await app.vault.listKeysForUser(currentUser(request).id),
      }));

      app.put('/api/keys/:provider', { schema: { params: providerParams, body: saveKeyBody } }, async (request) =>
        app.vault.savePersonalKey(currentUser(request).id, request.params.provider, request.body),
      );

      app.delete('/api/keys/:provider', { schema: { params: providerParams } }, async (request, reply) => {
        await app.vault.deletePersonalKey(currentUser(request).id, request.params.provider);
        return reply.status(204).send();
      });
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.get('/api/admin/keys', async () => ({
        providers: await app.vault.listGlobalKeys(),
      }));

      app.put('/api/admin/keys/:provider', { schema: { params: providerParams, body: saveKeyBody } }, async (request) =>
        app.vault.saveGlobalKey(currentUser(request).id, request.params.provider, request.body),
      );

      app.delete('/api/admin/keys/:provider', { schema: { params: providerParams } }, async (request, reply) => {
        await app.vault.deleteGlobalKey(currentUser(request).id, request.params.provider);
        return reply.status(204).send();
      });

      // Online rotation from the admin API: the way to rotate the embedded database while its server
      // runs (the CLI refuses to open it then). Idempotent, like `webox vault rotate`.
      app.post('/api/admin/vault/rotate', async (request) => {
        const report = await app.vault.rotate();
        request.log.info({ ...report }, 'vault rotated');
        return report;
      });
    }),
  );
};
