// /v1/chat/completions read into the completion pipeline's plan: the OpenAI request's route,
// output limit and body (serialised once for a pass-through provider), and its upstream step: the
// pass-through for OpenAI-compatible providers, the translation through the AI SDK for the others.
import type { FastifyReply } from 'fastify';
import type { CallOutcome } from '../completions/call-outcome.ts';
import type { CompletionPlan } from '../completions/completion-pipeline.ts';
import { getProvider } from '../providers/registry.ts';
import { type ForwardResult, forwardCompletion } from '../upstream/passthrough.ts';
import type { UpstreamPools } from '../upstream/upstream-pool.ts';
import {
  adaptForProvider,
  type GlobalKeyExtras,
  readCompletionRequest,
  refuseUnpricedOnGlobalKey,
  serializeForProvider,
} from './completion-request.ts';
import { readOutputRequest, withOutputLimit } from './output-limits.ts';
import { translateCompletion } from './translate.ts';

interface GatewayContext {
  globalKeyExtras: GlobalKeyExtras;
  pools: UpstreamPools;
  log: { warn(object: Record<string, unknown>, message: string): void };
}

/** How an answer the client received ended: whole, or failed after its first byte. */
export function forwardOutcome(result: ForwardResult): CallOutcome {
  return {
    status: result.streamError?.statusCode ?? 200,
    errorCode: result.streamError?.code ?? null,
    tokens: result.usage,
    // A stream cut before its usage arrived is charged on a local estimate.
    estimatedOutputTokens: result.usage ? undefined : result.estimatedOutputTokens,
    firstTokenMs: result.firstByteMs,
  };
}

/**
 * Reads the request (refusals throw, as WeBox's errors in OpenAI's shape). `contentLength` is the
 * request's own header: the prompt's size for the budget when the body is not serialised here.
 */
export function readGatewayCompletion(
  raw: unknown,
  contentLength: string | undefined,
  identify: (provider: string, model: string) => void,
  reply: FastifyReply,
  context: GatewayContext,
): CompletionPlan<void> {
  const { body, route, stream } = readCompletionRequest(raw);
  identify(route.provider, route.model);
  const provider = getProvider(route.provider);
  const output = readOutputRequest(provider, route.model, body);
  // A pass-through body is serialised once, here: its bytes bound the prompt for the budget.
  const outgoing = provider.openaiCompatible ? serializeForProvider(provider, body, route.model, stream) : null;
  return {
    provider,
    model: route.model,
    size: {
      promptBytes: outgoing?.bytes ?? (Number(contentLength) || Buffer.byteLength(JSON.stringify(body))),
      messageCount: body.messages.length,
      maxOutputTokens: output.maxOutputTokens,
      choices: output.choices,
      extraOutputTokens: output.extraOutputTokens,
      unboundedParameters: output.unbounded,
    },
    inputCharacters: () => JSON.stringify(body.messages ?? '').length,
    checkSource: (source) => {
      if (source === 'global') refuseUnpricedOnGlobalKey(provider, body, context.globalKeyExtras);
    },
    async upstream(call) {
      const common = {
        provider,
        apiKey: call.apiKey,
        source: call.source,
        baseUrl: call.baseUrl,
        stream,
        timeoutMs: call.timeoutMs,
        signal: call.signal,
        log: context.log,
      };
      // The one limit upstream is the one held, whatever names the client gave it.
      const limit = call.capOutputTokens;
      // Capped to fit the budget left: the answer may stop at `length`, as OpenAI's do at
      // max_tokens, and the header says why.
      if (call.capped) reply.header('x-webox-output-capped', String(call.capped.outputTokens));
      const result = outgoing
        ? await forwardCompletion({ ...common, body: outgoing.withLimit(limit), pools: context.pools }, reply)
        : await translateCompletion(
            {
              ...common,
              body: adaptForProvider(provider, withOutputLimit(body, limit), route.model, stream) as typeof body,
              modelId: route.model,
              clientModel: body.model,
            },
            reply,
          );
      call.finish(forwardOutcome(result));
    },
  };
}
