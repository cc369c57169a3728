// The OpenAI-compatible API: POST /v1/chat/completions and GET /v1/models, authenticated by
// personal access tokens (Authorization: Bearer wbx_…), resolving keys personal → global → none
// exactly as /api/chat does. Errors use OpenAI's shape.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { completion, completionChunk, completionRequest, gatewayModelList } from '../../shared/gateway.ts';
import { ACCESS_TOKEN, documentSecurity } from '../openapi/security.ts';
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

const tags = ['OpenAI-compatible'];

const modelsSchema = {
  tags,
  summary: 'The models you can use now',
  description:
    'On the providers you have a key for, as `<provider>/<model>` ids: every catalogue model on a personal key; on a global key, those the operator offers, your plan and your group allow.',
  response: { 200: gatewayModelList },
};

/**
 * The hot path: the body is read by readCompletionRequest and the answer passes through as the
 * provider wrote it, so nothing here is validated or serialised, only described.
 */
const completionsSchema = {
  tags,
  summary: 'A chat completion',
  description:
    "OpenAI's request and answer, JSON or streamed (`stream: true`: chunks, then `data: [DONE]`; usage on the last chunk with `stream_options.include_usage`). The same key resolution as the web chat, rate limits and budgets; every answer carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset.",
  docs: {
    body: completionRequest,
    responses: {
      200: {
        description: 'The completion: JSON, or with `stream: true` Server-Sent Events.',
        content: { 'application/json': completion, 'text/event-stream': completionChunk },
      },
    },
  },
};

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
    const accessTokens = createAccessTokens({ db: app.database.db, bus: app.bus, audit: app.audit });
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
        documentSecurity(scope, ACCESS_TOKEN);
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

        scope.get('/models', { schema: modelsSchema }, async (request) => {
          const identity = tokenCaller(request);
          const [billing, ...sources] = await Promise.all([
            app.billing.access.decide(identity.userId),
            ...providers.map((provider) => app.vault.getApiKeySource(identity.userId, provider.id)),
          ]);
          // On a global key, only what this user may run there (DESIGN §6 "Billing"): the
          // operator's offer ∩ the plan ∩ the group, as the completion gate decides it.
          const rules = await app.models.access.rulesFor(identity.userId, billing);
          const usable = (source: (typeof sources)[number], id: string) =>
            source === 'personal' || (source === 'global' && rules.allows(id));
          return {
            object: 'list',
            data: providers.flatMap((provider, index) =>
              provider.models
                .filter((model) => usable(sources[index] ?? 'none', `${provider.id}/${model.id}`))
                .map((model) => ({
                  id: `${provider.id}/${model.id}`,
                  object: 'model',
                  created: CATALOGUE_CREATED,
                  owned_by: provider.id,
                })),
            ),
          };
        });

        scope.post('/chat/completions', { schema: completionsSchema }, async (request, reply) => {
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
  {
    name: 'webox-gateway',
    dependencies: ['webox-database', 'webox-vault', 'webox-metering', 'webox-completions', 'webox-models'],
  },
);
