// The web chat: one completion streamed from the chosen provider with the key the vault resolves.
// It goes through the AI SDK (one streaming interface and token usage for all five providers).
import { randomUUID } from 'node:crypto';
import type { ModelMessage } from 'ai';
import type { ChatStreamEvent } from '../../shared/chat.ts';
import { toSafeLabel } from '../../shared/text.ts';
import type { Config } from '../config.ts';
import { shutdownReason } from '../drain.ts';
import { AppError, commonErrors } from '../errors.ts';
import type { Admission, Admit } from '../metering/admission.ts';
import { estimateTokens, type TokenCounts } from '../metering/cost.ts';
import type { UsageLedger } from '../metering/usage-ledger.ts';
import { checkModelId } from '../providers/model-id-format.ts';
import { type ModelStream, startModelStream } from '../providers/model-stream.ts';
import type { ProviderId } from '../providers/registry.ts';
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
  /** `status` is the HTTP status the error would have had before the first byte (not sent on the wire). */
  | { type: 'error'; code: string; message: string; status: number };

/** An event as it goes on the wire (DESIGN §6): an error says its code and message, nothing more. */
export function wireEvent(event: ChatEvent): ChatStreamEvent {
  if (event.type !== 'error') return event;
  return { type: 'error' as const, code: event.code, message: event.message };
}

/** The events of one answer, and the key source it runs on (known before any event). */
export type ChatStream = AsyncGenerator<ChatEvent> & { readonly source: 'personal' | 'global' };

export interface ChatLogger {
  warn(object: Record<string, unknown>, message: string): void;
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

export function createChatService(options: {
  config: Config;
  vault: Vault;
  ledger: UsageLedger;
  admit: Admit;
  log: ChatLogger;
}) {
  const { config, vault, ledger, admit, log } = options;

  /**
   * Resolves the key and calls the provider, up to the first part of its answer. Errors until then
   * throw (the route answers with a plain JSON error); after it, the returned iterator yields
   * events and ends with `done` or `error`. Every call leaves one usage record, refusals included.
   */
  async function startChat(request: {
    userId: string;
    provider: string;
    model: string;
    messages: ChatMessage[];
    signal: AbortSignal;
    /** The usage row's id (the HTTP request id); one is made up when absent. */
    requestId?: string;
    /** Receives the X-RateLimit-* headers once the request is counted (before any answer). */
    onHeaders?: (headers: Record<string, string>) => void;
  }): Promise<ChatStream> {
    const startedAt = performance.now();
    const usage: Metering = {
      requestId: request.requestId ?? randomUUID(),
      userId: request.userId,
      provider: request.provider,
      model: request.model,
      source: 'none',
      inputCharacters: request.messages.reduce((sum, message) => sum + message.content.length, 0),
      startedAt,
    };
    try {
      const provider = requireProvider(request.provider);
      // Before the key: an id that is not the provider's never goes further (issue 10, item 3).
      checkModelId(provider, request.model);
      // The key's source only: nothing is decrypted for a request the limits refuse.
      const key = await vault.findKey(request.userId, provider.id as ProviderId);
      if (key.source === 'none') throw vaultErrors.noApiKey(provider);
      const { source } = key;
      usage.source = source;
      const conversation = splitInstructions(request.messages);
      // Rate limits and the budget hold (a budgeted answer gets an output cap: see admission.ts).
      const admission = await admit({
        requestId: usage.requestId,
        userId: request.userId,
        tokenId: null,
        tokenRequestsPerMinute: null,
        endpoint: 'chat',
        provider: provider.id,
        model: request.model,
        source,
        promptBytes: request.messages.reduce((sum, message) => sum + Buffer.byteLength(message.content), 0),
        messageCount: request.messages.length,
        maxOutputTokens: null,
      });
      usage.admission = admission;
      request.onHeaders?.(admission.headers);

      const stream = await startModelStream({
        provider,
        // Decrypted just in time, once admitted (the row admitted: see vault.findKey).
        apiKey: key.decrypt(),
        source,
        baseUrl: config.providerBaseUrls[provider.id as ProviderId],
        modelId: request.model,
        timeoutMs: config.upstreamTimeoutMs,
        signal: request.signal,
        settings: {
          instructions: conversation.instructions,
          messages: conversation.messages,
          maxOutputTokens: admission.capOutputTokens ?? undefined,
        },
        log,
      });
      return Object.assign(events(stream, source, provider.name, usage, request.signal), { source });
    } catch (error) {
      const refused = error instanceof AppError ? error : null;
      meter(usage, { status: refused?.statusCode ?? 500, errorCode: refused?.code ?? 'internal_error' });
      throw error;
    }
  }

  interface Metering {
    requestId: string;
    userId: string;
    provider: string;
    model: string;
    source: 'personal' | 'global' | 'none';
    inputCharacters: number;
    startedAt: number;
    firstTokenMs?: number;
    admission?: Admission;
  }

  function meter(
    usage: Metering,
    outcome: { status: number; errorCode?: string; tokens?: TokenCounts; outputCharacters?: number },
  ) {
    usage.admission?.finish(outcome.tokens ?? null);
    ledger.record({
      requestId: usage.requestId,
      userId: usage.userId,
      endpoint: 'chat',
      provider: usage.provider,
      model: usage.model,
      keySource: usage.source,
      tokens: outcome.tokens ?? null,
      // An answer cut after it started is still charged, on a local estimate.
      estimatedTokens:
        !outcome.tokens && outcome.outputCharacters !== undefined
          ? {
              inputTokens: estimateTokens(usage.inputCharacters),
              outputTokens: estimateTokens(outcome.outputCharacters),
              cachedInputTokens: 0,
            }
          : null,
      status: outcome.status,
      errorCode: outcome.errorCode ?? null,
      latencyMs: performance.now() - usage.startedAt,
      firstTokenMs: usage.firstTokenMs ?? null,
    });
  }

  async function* events(
    stream: ModelStream,
    source: 'personal' | 'global',
    providerName: string,
    usage: Metering,
    signal: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    let outputCharacters = 0;
    let metered = false;
    try {
      for await (const part of stream.parts) {
        if (part.type === 'text-delta' && part.text.length > 0) {
          usage.firstTokenMs ??= performance.now() - usage.startedAt;
          outputCharacters += part.text.length;
          yield { type: 'delta', text: part.text };
        } else if (part.type === 'error') {
          const error = shutdownReason(signal) ?? stream.describe(part.error);
          meter(usage, { status: error.statusCode, errorCode: error.code, outputCharacters });
          metered = true;
          yield { type: 'error', code: error.code, message: error.message, status: error.statusCode };
          return;
        } else if (part.type === 'abort') {
          break;
        } else if (part.type === 'finish') {
          const tokens = {
            inputTokens: part.totalUsage.inputTokens ?? 0,
            outputTokens: part.totalUsage.outputTokens ?? 0,
            cachedInputTokens: part.totalUsage.inputTokenDetails?.cacheReadTokens ?? 0,
          };
          meter(usage, { status: 200, tokens });
          metered = true;
          yield { type: 'done', source, usage: { inputTokens: tokens.inputTokens, outputTokens: tokens.outputTokens } };
          return;
        }
      }
      // A stream that ends without a finish part was cut short: by the provider, or by a graceful
      // stop's end (the client is still there, and is told so).
      const cut =
        shutdownReason(signal) ?? new AppError(502, 'provider_error', `${providerName} ended the answer early.`);
      meter(usage, { status: cut.statusCode, errorCode: cut.code, outputCharacters });
      metered = true;
      yield { type: 'error', code: cut.code, message: cut.message, status: cut.statusCode };
    } finally {
      // The client went away (or the consumer stopped reading): charged on the estimate.
      if (!metered) meter(usage, { status: 499, errorCode: 'client_closed', outputCharacters });
    }
  }

  /** A request refused before any provider was chosen (malformed input) is metered too. */
  function meterRefusal(
    request: { requestId: string; userId: string; provider: unknown; model: unknown },
    error: AppError,
  ) {
    meter(
      {
        requestId: request.requestId,
        userId: request.userId,
        // What the client sent is malformed: only a safe form of it is recorded.
        provider: toSafeLabel(request.provider, 64),
        model: toSafeLabel(request.model, 200),
        source: 'none',
        inputCharacters: 0,
        startedAt: performance.now(),
      },
      { status: error.statusCode, errorCode: error.code },
    );
  }

  return { startChat, meterRefusal };
}

export type ChatService = ReturnType<typeof createChatService>;
