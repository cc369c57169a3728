// The web chat: one completion streamed from the chosen provider with the key the vault resolves.
// It goes through the AI SDK (one streaming interface and token usage for all five providers).
import { type ModelMessage, streamText, type TextStreamPart, type ToolSet } from 'ai';
import type { Config } from '../config.ts';
import { AppError, commonErrors } from '../errors.ts';
import type { ProviderId } from '../providers/registry.ts';
import { toUpstreamError, UpstreamError, upstreamErrorToAppError } from '../providers/upstream-error.ts';
import { createUpstreamCall } from '../providers/upstream-fetch.ts';
import { vaultErrors } from '../vault/vault-errors.ts';
import type { Vault } from '../vault/vault-service.ts';
import { requireProvider } from '../vault/vault-service.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
}

export type ChatEvent =
  | { type: 'delta'; text: string }
  | { type: 'done'; source: 'personal' | 'global'; usage: ChatUsage }
  | { type: 'error'; code: string; message: string };

export interface ChatLogger {
  warn(object: Record<string, unknown>, message: string): void;
}

/** Longest Retry-After we wait for inside one request before giving the 429 to the client. */
const MAX_RETRY_WAIT_MS = 2_000;
const DEFAULT_RETRY_WAIT_MS = 250;

type Part = TextStreamPart<ToolSet>;

/** Parts that prove the provider answered: after one of them, the request is never retried. */
function isFirstAnswerPart(part: Part) {
  return (
    part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'finish' || part.type === 'error'
  );
}

/**
 * The AI SDK takes system text as `instructions`, apart from the conversation: system messages are
 * joined there in order, the rest stays the conversation.
 */
export function splitInstructions(messages: ChatMessage[]): {
  instructions: string | undefined;
  messages: ModelMessage[];
} {
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  const conversation = messages.filter((message) => message.role !== 'system') as ModelMessage[];
  if (conversation.length === 0) {
    throw commonErrors.invalidRequest('messages must hold at least one user or assistant message.');
  }
  return { instructions: system.length > 0 ? system.join('\n\n') : undefined, messages: conversation };
}

export function createChatService(options: { config: Config; vault: Vault; log: ChatLogger }) {
  const { config, vault, log } = options;

  /**
   * Resolves the key and calls the provider, up to the first part of its answer. Errors until then
   * throw (the route answers with a plain JSON error); after it, the returned iterator yields
   * events and ends with `done` or `error`.
   */
  async function startChat(request: {
    userId: string;
    provider: string;
    model: string;
    messages: ChatMessage[];
    signal: AbortSignal;
  }): Promise<AsyncGenerator<ChatEvent>> {
    const provider = requireProvider(request.provider);
    const resolved = await vault.resolveKey(request.userId, provider.id as ProviderId);
    if (resolved.source === 'none') throw vaultErrors.noApiKey(provider);
    const { source } = resolved;
    const conversation = splitInstructions(request.messages);

    for (let attempt = 1; ; attempt++) {
      const call = createUpstreamCall(config.upstreamTimeoutMs);
      const result = streamText({
        model: provider.languageModel({
          apiKey: resolved.apiKey,
          baseUrl: config.providerBaseUrls[provider.id as ProviderId],
          modelId: request.model,
          fetch: call.fetch,
        }),
        instructions: conversation.instructions,
        messages: conversation.messages,
        // One retry layer, ours: the SDK's would retry after bytes reached the client.
        maxRetries: 0,
        abortSignal: request.signal,
        // The SDK prints stream errors to the console by default; they reach us as parts instead.
        onError: () => {},
      });
      const parts = result.fullStream[Symbol.asyncIterator]();
      const buffered: Part[] = [];
      let first: IteratorResult<Part>;
      try {
        do {
          first = await parts.next();
          if (!first.done) buffered.push(first.value);
        } while (!first.done && !isFirstAnswerPart(first.value));
      } catch (error) {
        first = { done: false, value: { type: 'error', error } };
        buffered.push(first.value);
      }
      if (!first.done && first.value.type === 'error') {
        if (request.signal.aborted) throw new AppError(499, 'client_closed', 'The client went away.');
        const upstream = toUpstreamError(first.value.error, provider, call.timedOut);
        log.warn(
          { provider: provider.id, failure: upstream.failure, status: upstream.status, err: first.value.error },
          'provider call failed',
        );
        if (upstream.retryable && attempt === 1) {
          const waitMs =
            upstream.retryAfterSeconds === undefined ? DEFAULT_RETRY_WAIT_MS : upstream.retryAfterSeconds * 1000;
          if (waitMs <= MAX_RETRY_WAIT_MS) {
            log.warn({ provider: provider.id, failure: upstream.failure, attempt }, 'retrying provider call');
            await new Promise((resolve) => setTimeout(resolve, waitMs));
            continue;
          }
        }
        throw upstreamErrorToAppError(upstream, source);
      }
      return events(parts, buffered, { provider, source, timedOut: () => call.timedOut });
    }
  }

  async function* events(
    parts: AsyncIterator<Part>,
    buffered: Part[],
    context: { provider: ReturnType<typeof requireProvider>; source: 'personal' | 'global'; timedOut: () => boolean },
  ): AsyncGenerator<ChatEvent> {
    const next = async (): Promise<IteratorResult<Part>> => {
      const part = buffered.shift();
      if (part) return { done: false, value: part };
      return parts.next();
    };
    for (;;) {
      let item: IteratorResult<Part>;
      try {
        item = await next();
      } catch (error) {
        item = { done: false, value: { type: 'error', error } };
      }
      if (item.done) {
        // A stream that ends without a finish part was cut short.
        yield { type: 'error', code: 'provider_error', message: `${context.provider.name} ended the answer early.` };
        return;
      }
      const part = item.value;
      if (part.type === 'text-delta' && part.text.length > 0) yield { type: 'delta', text: part.text };
      else if (part.type === 'error') {
        const upstream =
          part.error instanceof UpstreamError
            ? part.error
            : toUpstreamError(part.error, context.provider, context.timedOut());
        const appError = upstreamErrorToAppError(upstream, context.source);
        yield { type: 'error', code: appError.code, message: appError.message };
        return;
      } else if (part.type === 'abort') {
        return;
      } else if (part.type === 'finish') {
        yield {
          type: 'done',
          source: context.source,
          usage: { inputTokens: part.totalUsage.inputTokens ?? 0, outputTokens: part.totalUsage.outputTokens ?? 0 },
        };
        return;
      }
    }
  }

  return { startChat };
}

export type ChatService = ReturnType<typeof createChatService>;
