// The OpenAI-compatible API: POST /v1/chat/completions and GET /v1/models, authenticated by
// personal access tokens (Authorization: Bearer wbx_…), resolving keys personal → global → none
// exactly as /api/chat does. Errors use OpenAI's shape.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { providers } from '../providers/registry.ts';
import { createUpstreamPools } from '../upstream/upstream-pool.ts';
import { createAccessTokens, type TokenIdentity } from './access-tokens.ts';
import { readGatewayCompletion } from './gateway-completion.ts';
import { gatewayErrors } from './gateway-errors.ts';
import { installOpenAiErrorHandling } from './openai-errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    accessTokens: ReturnType<typeof createAccessTokens>;
  }
}

/** Catalogue timestamps for /v1/models (OpenAI clients expect a number). */
const CATALOGUE_CREATED = 1_735_689_600;

declare module 'fastify' {
  interface FastifyRequest {
    /** The /v1 caller, once its token is checked (its rate-limit window goes on every answer). */
    tokenIdentity: TokenIdentity | null;
  }
}

/**
 * The /v1 scope's onRequest hook (before the body is parsed): every route of the scope answers
 * only a valid token's holder, and none checks it itself.
 */
function tokenGuard(app: FastifyInstance) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw gatewayErrors.missingToken();
    const identity = await app.accessTokens.authenticate(header.slice(7).trim());
    if (!identity) throw gatewayErrors.invalidToken();
    request.tokenIdentity = identity;
  };
}

/** The caller of a route behind the token guard. */
function tokenCaller(request: FastifyRequest): TokenIdentity {
  if (!request.tokenIdentity) throw gatewayErrors.missingToken();
  return request.tokenIdentity;
}

export const gatewayPlugin = fastifyPlugin(
  async (app) => {
    const accessTokens = createAccessTokens({ db: app.database.db, bus: app.bus });
    const pools = createUpstreamPools();
    app.decorate('accessTokens', accessTokens);
    app.addHook('onClose', async () => {
      await accessTokens.close();
      await pools.close();
    });

    app.decorateRequest('tokenIdentity', null);

    await app.register(
      async (scope) => {
        installOpenAiErrorHandling(scope);
        scope.addHook('onRequest', tokenGuard(app));
        // Every answer to a known caller says where its minute stands: model calls set the headers
        // when they are counted; anything else (a refusal before the call, /v1/models) reads them.
        // (A callback hook: model calls, the hot path, pass straight through without a promise.)
        scope.addHook('onSend', (request, reply, payload, done) => {
          if (!request.tokenIdentity || reply.hasHeader('x-ratelimit-limit')) return done(null, payload);
          app.metering.peekHeaders(request.tokenIdentity.userId).then(
            (headers) => {
              reply.headers(headers);
              done(null, payload);
            },
            () => done(null, payload),
          );
        });

        scope.get('/models', async (request) => {
          const identity = tokenCaller(request);
          const sources = await Promise.all(
            providers.map((provider) => app.vault.getApiKeySource(identity.userId, provider.id)),
          );
          return {
            object: 'list',
            data: providers
              .filter((_provider, index) => sources[index] !== 'none')
              .flatMap((provider) =>
                provider.models.map((model) => ({
                  id: `${provider.id}/${model.id}`,
                  object: 'model',
                  created: CATALOGUE_CREATED,
                  owned_by: provider.id,
                })),
              ),
          };
        });

        scope.post('/chat/completions', async (request, reply) => {
          const identity = tokenCaller(request);
          await app.completions.run(
            {
              requestId: String(request.id),
              userId: identity.userId,
              tokenId: identity.tokenId,
              tokenRequestsPerMinute: identity.requestsPerMinute,
              endpoint: 'gateway',
            },
            // Recorded as sent (made safe) if the request is refused before its route is read.
            { provider: 'unknown', model: (request.body as { model?: unknown } | null)?.model },
            (identify) =>
              readGatewayCompletion(request.body, request.headers['content-length'], identify, reply, {
                globalKeyExtras: app.config.globalKeyExtras,
                pools,
                log: request.log,
              }),
            reply,
          );
          return reply;
        });
      },
      { prefix: '/v1' },
    );
  },
  { name: 'webox-gateway', dependencies: ['webox-database', 'webox-vault', 'webox-metering', 'webox-completions'] },
);
