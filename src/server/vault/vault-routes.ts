// /api/keys (each user's own keys) and /api/admin/keys (the operator's global keys).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { providerParams, saveKeyBody } from '../../shared/contracts.ts';
import { globalKeyImpact, globalKeyList, rotationReport, savedKey, userKeyList } from '../../shared/keys.ts';
import { signedInActor } from '../audit/audit-actor.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { noContent } from '../openapi/route-docs.ts';

const tags = ['Keys'];

const SAVE_DESCRIPTION =
  "The key is checked against the provider's format (400 `invalid_key_format`), and with `verify: true` sent to the provider first (502 `provider_rejected_key` when it refuses). It is stored encrypted; only its mask is ever shown.";

export interface VaultRoutesOptions {
  /**
   * The accounts that may use the global keys now (not disabled, and let in by billing's policy):
   * deleting a global key cuts off those of them with no personal key for its provider.
   */
  globalKeyUsers?: () => Promise<string[]>;
}

export const vaultRoutes: FastifyPluginAsyncZod<VaultRoutesOptions> = async (app, options) => {
  const globalKeyUsers = options.globalKeyUsers ?? (() => app.users.activeIds());
  // Who may call each route is the scope's guard (auth/route-scopes.ts).
  await app.register(
    userScope(async (app) => {
      app.get(
        '/api/keys',
        {
          schema: {
            tags,
            summary: 'Your keys, per provider',
            description:
              'Which key a chat would use now (personal → global → none), your own masks, and only whether a global key exists.',
            response: { 200: userKeyList },
          },
        },
        async (request) => ({ providers: await app.vault.listKeysForUser(currentUser(request).id) }),
      );

      app.put(
        '/api/keys/:provider',
        {
          schema: {
            tags,
            summary: 'Save your personal key',
            description: `${SAVE_DESCRIPTION} From then on your requests to this provider use it, never the global key.`,
            params: providerParams,
            body: saveKeyBody,
            response: { 200: savedKey },
          },
        },
        async (request) => app.vault.savePersonalKey(signedInActor(request), request.params.provider, request.body),
      );

      app.delete(
        '/api/keys/:provider',
        {
          schema: {
            tags,
            summary: 'Delete your personal key',
            description: 'Requests go back to the global key, if there is one. 404 when you have none.',
            params: providerParams,
            response: { 204: noContent },
          },
        },
        async (request, reply) => {
          await app.vault.deletePersonalKey(signedInActor(request), request.params.provider);
          return reply.status(204).send();
        },
      );
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/keys',
        { schema: { tags, summary: 'The global keys, per provider', response: { 200: globalKeyList } } },
        async () => ({ providers: await app.vault.listGlobalKeys() }),
      );

      app.put(
        '/api/admin/keys/:provider',
        {
          schema: {
            tags,
            summary: 'Save the global key',
            description: `${SAVE_DESCRIPTION} Every user without a personal key for this provider uses it.`,
            params: providerParams,
            body: saveKeyBody,
            response: { 200: savedKey },
          },
        },
        async (request) => app.vault.saveGlobalKey(signedInActor(request), request.params.provider, request.body),
      );

      app.get(
        '/api/admin/keys/:provider/impact',
        {
          schema: {
            tags,
            summary: 'Who deleting the global key would cut off',
            description:
              'The accounts that would lose access to this provider: not disabled, allowed on the global keys (billing), and without a personal key for it. The web app names the number before it deletes.',
            params: providerParams,
            response: { 200: globalKeyImpact },
          },
        },
        async (request) => ({
          usersAffected: await app.vault.usersOnGlobalKey(request.params.provider, await globalKeyUsers()),
        }),
      );

      app.delete(
        '/api/admin/keys/:provider',
        {
          schema: {
            tags,
            summary: 'Delete the global key',
            params: providerParams,
            response: { 204: noContent },
          },
        },
        async (request, reply) => {
          await app.vault.deleteGlobalKey(signedInActor(request), request.params.provider);
          return reply.status(204).send();
        },
      );

      // Online rotation from the admin API: the way to rotate the embedded database while its server
      // runs (the CLI refuses to open it then). Idempotent, like `webox vault rotate`.
      app.post(
        '/api/admin/vault/rotate',
        {
          schema: {
            tags,
            summary: 'Re-encrypt every key under the active master key',
            description:
              'Online and idempotent, like `webox vault rotate`: rows already under the active key are left as they are.',
            response: { 200: rotationReport },
          },
        },
        async (request) => {
          const report = await app.vault.rotate(signedInActor(request));
          request.log.info({ ...report }, 'vault rotated');
          return report;
        },
      );
    }),
  );
};
