// /api/keys (each user's own keys) and /api/admin/keys (the operator's global keys).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { providerParams, saveKeyBody } from '../../shared/contracts.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { createKeyStore } from './key-store.ts';
import { rotateVault } from './vault-rotation.ts';

export const vaultRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/keys', { onRequest: app.requireUser }, async (request) => ({
    providers: await app.vault.listKeysForUser(currentUser(request).id),
  }));

  app.put(
    '/api/keys/:provider',
    { onRequest: app.requireUser, schema: { params: providerParams, body: saveKeyBody } },
    async (request) => app.vault.savePersonalKey(currentUser(request).id, request.params.provider, request.body),
  );

  app.delete(
    '/api/keys/:provider',
    { onRequest: app.requireUser, schema: { params: providerParams } },
    async (request, reply) => {
      await app.vault.deletePersonalKey(currentUser(request).id, request.params.provider);
      return reply.status(204).send();
    },
  );

  app.get('/api/admin/keys', { onRequest: app.requireAdmin }, async () => ({
    providers: await app.vault.listGlobalKeys(),
  }));

  app.put(
    '/api/admin/keys/:provider',
    { onRequest: app.requireAdmin, schema: { params: providerParams, body: saveKeyBody } },
    async (request) => app.vault.saveGlobalKey(currentUser(request).id, request.params.provider, request.body),
  );

  app.delete(
    '/api/admin/keys/:provider',
    { onRequest: app.requireAdmin, schema: { params: providerParams } },
    async (request, reply) => {
      await app.vault.deleteGlobalKey(currentUser(request).id, request.params.provider);
      return reply.status(204).send();
    },
  );

  // Online rotation from the admin API: the way to rotate the embedded database while its server
  // runs (the CLI refuses to open it then). Idempotent, like `webox vault rotate`.
  app.post('/api/admin/vault/rotate', { onRequest: app.requireAdmin }, async (request) => {
    const report = await rotateVault({ keyring: app.keyring, store: createKeyStore(app.database.db) });
    request.log.info({ ...report }, 'vault rotated');
    return report;
  });
};
