// The OpenAI-compatible API: POST /v1/chat/completions and GET /v1/models, authenticated by
// personal access tokens (Authorization: Bearer wbx_…), resolving keys personal → global → none
// exactly as /api/chat does. Errors use OpenAI's shape.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { completion, completionChunk, completionRequest, gatewayModelList } from '../../shared/gateway.ts';
import { toSafeLabel } from '../../shared/text.ts';
import { AppError } from '../errors.ts';
import type { Admission } from '../metering/admission.ts';
import { estimateTokens } from '../metering/cost.ts';
import { ACCESS_TOKEN, documentSecurity } from '../openapi/security.ts';
import { getProvider, providers } from '../providers/registry.ts';
import { vaultErrors } from '../vault/vault-errors.ts';
import { createAccessTokens, type TokenIdentity } from './access-tokens.ts';
import {
  adaptForProvider,
  readCompletionRequest,
  refuseUnpricedOnGlobalKey,
  serializeForProvider,
} from './completion-request.ts';
import { installOpenAiErrorHandling } from './openai-errors.ts';
import { readOutputRequest, withOutputLimit } from './output-limits.ts';
import { type ForwardResult, forwardCompletion } from './passthrough.ts';
import { translateCompletion } from './translate.ts';
import { createUpstreamPools } from './upstream-pool.ts';

declare module 'fastify' {
  interface FastifyInstance {
    accessTokens: ReturnType<typeof createAccessTokens>;
  }
}

const tags = ['OpenAI-compatible'];

const modelsSchema = {
  tags,
  summary: 'The models you can use now',
  description: 'On the providers you have a key for (personal or global), as `<provider>/<model>` ids.',
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

const missingToken = () =>
  new AppError(
    401,
    'unauthenticated',
    'Send an access token: Authorization: Bearer wbx_… (create one in your profile).',
  );

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
    if (!header?.startsWith('Bearer ')) throw missingToken();
    const identity = await app.accessTokens.authenticate(header.slice(7).trim());
    if (!identity) {
      throw new AppError(401, 'invalid_token', 'The access token is invalid, expired or revoked.');
    }
    request.tokenIdentity = identity;
  };
}

/** The caller of a route behind the token guard. */
function tokenCaller(request: FastifyRequest): TokenIdentity {
  if (!request.tokenIdentity) throw missingToken();
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

        scope.post('/chat/completions', { schema: completionsSchema }, async (request, reply) => {
          const startedAt = performance.now();
          const identity = tokenCaller(request);
          // Filled in as the request goes; recorded whatever happens (refusals included).
          const outcome: {
            provider: string;
            model: string;
            source: 'personal' | 'global' | 'none';
            stream: boolean;
            messages: unknown;
            result: ForwardResult | null;
            failure: unknown;
            admission: Admission | null;
          } = {
            provider: 'unknown',
            // Recorded even when refused: never the raw string (a NUL would fail the ledger's batch).
            model: toSafeLabel((request.body as { model?: unknown } | null)?.model, 200),
            source: 'none',
            stream: false,
            messages: null,
            result: null,
            failure: null,
            admission: null,
          };
          try {
            const { body, route, stream } = readCompletionRequest(request.body);
            Object.assign(outcome, { provider: route.provider, model: route.model, stream, messages: body.messages });
            const provider = getProvider(route.provider);
            const output = readOutputRequest(provider, route.model, body);
            // A pass-through body is serialised once, here: its bytes bound the prompt for the budget.
            const outgoing = provider.openaiCompatible
              ? serializeForProvider(provider, body, route.model, stream)
              : null;
            // The key's source only: nothing is decrypted for a request the limits refuse.
            const key = await app.vault.findKey(identity.userId, route.provider);
            if (key.source === 'none') throw vaultErrors.noApiKey(provider);
            outcome.source = key.source;
            if (key.source === 'global') refuseUnpricedOnGlobalKey(provider, body, app.config.globalKeyExtras);

            // Rate limits and the budget hold; a budgeted request without an output limit gets one,
            // so the held worst case bounds what the provider can charge.
            const admission = await app.metering.admit({
              requestId: String(request.id),
              userId: identity.userId,
              tokenId: identity.tokenId,
              tokenRequestsPerMinute: identity.requestsPerMinute,
              endpoint: 'gateway',
              provider: route.provider,
              model: route.model,
              source: key.source,
              promptBytes:
                outgoing?.bytes ??
                (Number(request.headers['content-length']) || Buffer.byteLength(JSON.stringify(body))),
              messageCount: body.messages.length,
              maxOutputTokens: output.maxOutputTokens,
              choices: output.choices,
              extraOutputTokens: output.extraOutputTokens,
              unboundedParameters: output.unbounded,
            });
            outcome.admission = admission;
            reply.headers(admission.headers);

            // The provider call stops when the client goes away.
            const abort = new AbortController();
            reply.raw.on('close', () => {
              if (!reply.raw.writableFinished) abort.abort();
            });
            // And when a graceful stop's drain period ends first.
            app.drain.track(abort, reply.raw);
            const common = {
              provider,
              // Decrypted just in time, once admitted (the row admitted: see vault.findKey).
              apiKey: key.decrypt(),
              source: key.source,
              baseUrl: app.config.providerBaseUrls[route.provider],
              stream,
              timeoutMs: app.config.upstreamTimeoutMs,
              signal: abort.signal,
              log: request.log,
            };
            // The one limit upstream is the one held, whatever names the client gave it.
            const limit = admission.capOutputTokens;
            outcome.result = outgoing
              ? await forwardCompletion({ ...common, body: outgoing.withLimit(limit), pools }, reply)
              : await translateCompletion(
                  {
                    ...common,
                    body: adaptForProvider(provider, withOutputLimit(body, limit), route.model, stream) as typeof body,
                    modelId: route.model,
                    clientModel: body.model,
                  },
                  reply,
                );
          } catch (error) {
            outcome.failure = error;
            throw error;
          } finally {
            const { result, failure } = outcome;
            const failed = failure instanceof AppError ? failure : null;
            const error = failed ?? result?.streamError ?? null;
            outcome.admission?.finish(result?.usage ?? null);
            // Off the request's path: the ledger queues it and writes in batches.
            app.metering.ledger.record({
              requestId: String(request.id),
              userId: identity.userId,
              tokenId: identity.tokenId,
              endpoint: 'gateway',
              provider: outcome.provider,
              model: outcome.model,
              keySource: outcome.source,
              tokens: result?.usage ?? null,
              // A stream cut before its usage arrived is charged on a local estimate.
              estimatedTokens:
                result && !result.usage
                  ? {
                      inputTokens: estimateTokens(JSON.stringify(outcome.messages ?? '').length),
                      outputTokens: result.estimatedOutputTokens,
                      cachedInputTokens: 0,
                    }
                  : null,
              status: failure ? (failed?.statusCode ?? 500) : (error?.statusCode ?? 200),
              errorCode: failure ? (failed?.code ?? 'internal_error') : (error?.code ?? null),
              latencyMs: performance.now() - startedAt,
              firstTokenMs: result?.firstByteMs ?? null,
            });
          }
          return reply;
        });
      },
      { prefix: '/v1' },
    );
  },
  { name: 'webox-gateway', dependencies: ['webox-database', 'webox-vault', 'webox-metering'] },
);
