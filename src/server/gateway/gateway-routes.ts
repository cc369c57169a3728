// The OpenAI-compatible API: POST /v1/chat/completions and GET /v1/models, authenticated by
// personal access tokens (Authorization: Bearer wbx_…), resolving keys personal → global → none
// exactly as /api/chat does. Errors use OpenAI's shape.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { AppError } from '../errors.ts';
import { getProvider, providers } from '../providers/registry.ts';
import { vaultErrors } from '../vault/vault-errors.ts';
import { createAccessTokens, type TokenIdentity } from './access-tokens.ts';
import { adaptForProvider, readCompletionRequest } from './completion-request.ts';
import { installOpenAiErrorHandling } from './openai-errors.ts';
import { type ForwardResult, forwardCompletion } from './passthrough.ts';
import { translateCompletion } from './translate.ts';
import { createUpstreamPools } from './upstream-pool.ts';
import type { GatewayRequestRecord } from './usage.ts';

declare module 'fastify' {
  interface FastifyInstance {
    accessTokens: ReturnType<typeof createAccessTokens>;
    /** Receives one record per gateway request (the usage ledger subscribes here). */
    gatewayRecords: Set<(record: GatewayRequestRecord) => void>;
  }
}

/** Catalogue timestamps for /v1/models (OpenAI clients expect a number). */
const CATALOGUE_CREATED = 1_735_689_600;

const missingToken = () =>
  new AppError(
    401,
    'unauthenticated',
    'Send an access token: Authorization: Bearer wbx_… (create one in your profile).',
  );

async function authenticate(app: FastifyInstance, request: FastifyRequest): Promise<TokenIdentity> {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) throw missingToken();
  const identity = await app.accessTokens.authenticate(header.slice(7).trim());
  if (!identity) {
    throw new AppError(401, 'invalid_token', 'The access token is invalid, expired or revoked.');
  }
  return identity;
}

export const gatewayPlugin = fastifyPlugin(
  async (app) => {
    const accessTokens = createAccessTokens({ db: app.database.db, bus: app.bus });
    const pools = createUpstreamPools();
    app.decorate('accessTokens', accessTokens);
    app.decorate('gatewayRecords', new Set<(record: GatewayRequestRecord) => void>());
    app.addHook('onClose', async () => {
      await accessTokens.close();
      await pools.close();
    });

    await app.register(
      async (scope) => {
        installOpenAiErrorHandling(scope);

        scope.get('/models', async (request) => {
          const identity = await authenticate(app, request);
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
          const startedAt = performance.now();
          const identity = await authenticate(app, request);
          const { body, route, stream } = readCompletionRequest(request.body);
          const provider = getProvider(route.provider);
          const resolved = await app.vault.resolveKey(identity.userId, route.provider);
          if (resolved.source === 'none') throw vaultErrors.noApiKey(provider);

          // The provider call stops when the client goes away.
          const abort = new AbortController();
          reply.raw.on('close', () => {
            if (!reply.raw.writableFinished) abort.abort();
          });
          const common = {
            provider,
            apiKey: resolved.apiKey,
            source: resolved.source,
            baseUrl: app.config.providerBaseUrls[route.provider],
            stream,
            timeoutMs: app.config.upstreamTimeoutMs,
            signal: abort.signal,
            log: request.log,
          };
          let result: ForwardResult | null = null;
          let failure: AppError | null = null;
          try {
            result = provider.openaiCompatible
              ? await forwardCompletion(
                  { ...common, payload: adaptForProvider(provider, body, route.model, stream), pools },
                  reply,
                )
              : await translateCompletion(
                  {
                    ...common,
                    body: adaptForProvider(provider, body, route.model, stream) as typeof body,
                    modelId: route.model,
                    clientModel: body.model,
                  },
                  reply,
                );
          } catch (error) {
            failure = error instanceof AppError ? error : null;
            throw error;
          } finally {
            if (app.gatewayRecords.size > 0) {
              const record: GatewayRequestRecord = {
                requestId: String(request.id),
                userId: identity.userId,
                tokenId: identity.tokenId,
                provider: route.provider,
                model: route.model,
                source: resolved.source,
                stream,
                usage: result?.usage ?? null,
                status: failure?.statusCode ?? result?.streamError?.statusCode ?? 200,
                errorCode: failure?.code ?? result?.streamError?.code ?? null,
                latencyMs: performance.now() - startedAt,
                firstByteMs: result?.firstByteMs ?? null,
              };
              for (const listener of app.gatewayRecords) listener(record);
            }
          }
          return reply;
        });
      },
      { prefix: '/v1' },
    );
  },
  { name: 'webox-gateway', dependencies: ['webox-database', 'webox-vault'] },
);
