// The web chat's model call, read into the completion pipeline's plan: one completion streamed
// from the chosen provider through the AI SDK (one streaming interface and token usage for all
// five providers), as the events /api/chat and the conversations write (DESIGN §6).
import type { ModelMessage } from 'ai';
import type { CompletionPlan, UpstreamCall } from '../completions/completion-pipeline.ts';
import { shutdownReason } from '../drain.ts';
import type { AppError } from '../errors.ts';
import type { OutputCap } from '../metering/admission.ts';
import { estimateTokens } from '../metering/cost.ts';
import type { KeySource } from '../metering/limit-policies.ts';
import { checkModelId } from '../providers/model-id-format.ts';
import { providerErrors } from '../providers/provider-errors.ts';
import { type ModelStream, startModelStream } from '../upstream/model-stream.ts';
import { requireProvider } from '../vault/vault-service.ts';
import { chatErrors } from './chat-errors.ts';

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
  /** `capped`: the answer's output was limited to fit the budget left (absent otherwise). */
  | { type: 'done'; source: KeySource; usage: ChatUsage; capped?: OutputCap }
  /** The error the answer ended with: the one it would have thrown before the first byte. */
  | { type: 'error'; error: AppError };

/** An error event as it goes on the wire (DESIGN §6): its code and message, nothing more. */
export const wireError = (error: AppError) => ({ type: 'error' as const, code: error.code, message: error.message });

/** An event as it goes on the wire. */
export function wireEvent(event: ChatEvent) {
  return event.type === 'error' ? wireError(event.error) : event;
}

/**
 * The events of one answer, the key source it runs on (known before any event), and the call's
 * abort signal (aborted by the client's leaving or a graceful stop: see shutdownReason).
 */
export type ChatStream = AsyncGenerator<ChatEvent> & { readonly source: KeySource; readonly signal: AbortSignal };

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
    throw chatErrors.noConversation();
  }
  return { instructions: system.length > 0 ? system.join('\n\n') : undefined, messages: conversation };
}

/**
 * Reads a chat request. The plan's upstream step calls the provider up to the first part of its
 * answer (errors until then throw: the route answers with a plain JSON error); the stream it
 * returns then yields events and ends with `done` or `error`, and finishes the call whatever way
 * it ends (the client gone included).
 */
export function readChatCompletion(
  request: { provider: string; model: string; messages: ChatMessage[] },
  log: ChatLogger,
): CompletionPlan<ChatStream> {
  const provider = requireProvider(request.provider);
  // Before the key: an id that is not the provider's never goes further (issue 10, item 3).
  checkModelId(provider, request.model);
  const conversation = splitInstructions(request.messages);
  return {
    provider,
    model: request.model,
    size: {
      promptBytes: request.messages.reduce((sum, message) => sum + Buffer.byteLength(message.content), 0),
      messageCount: request.messages.length,
      maxOutputTokens: null,
    },
    inputCharacters: () => request.messages.reduce((sum, message) => sum + message.content.length, 0),
    async upstream(call) {
      const stream = await startModelStream({
        provider,
        apiKey: call.apiKey,
        source: call.source,
        baseUrl: call.baseUrl,
        modelId: request.model,
        timeoutMs: call.timeoutMs,
        signal: call.signal,
        settings: {
          instructions: conversation.instructions,
          messages: conversation.messages,
          // A budgeted answer gets an output cap (see admission.ts).
          maxOutputTokens: call.capOutputTokens ?? undefined,
        },
        log,
      });
      return Object.assign(events(stream, call, provider.name), { source: call.source, signal: call.signal });
    },
  };
}

async function* events(stream: ModelStream, call: UpstreamCall, providerName: string): AsyncGenerator<ChatEvent> {
  let outputCharacters = 0;
  let firstTokenMs: number | null = null;
  // Charged on an estimate when the provider's counts never came.
  const cutShort = (error: { statusCode: number; code: string }) =>
    call.finish({
      status: error.statusCode,
      errorCode: error.code,
      estimatedOutputTokens: estimateTokens(outputCharacters),
      firstTokenMs,
    });
  try {
    for await (const part of stream.parts) {
      if (part.type === 'text-delta' && part.text.length > 0) {
        firstTokenMs ??= performance.now() - call.startedAt;
        outputCharacters += part.text.length;
        yield { type: 'delta', text: part.text };
      } else if (part.type === 'error') {
        const error = shutdownReason(call.signal) ?? stream.describe(part.error);
        cutShort(error);
        yield { type: 'error', error };
        return;
      } else if (part.type === 'abort') {
        break;
      } else if (part.type === 'finish') {
        const tokens = {
          inputTokens: part.totalUsage.inputTokens ?? 0,
          outputTokens: part.totalUsage.outputTokens ?? 0,
          cachedInputTokens: part.totalUsage.inputTokenDetails?.cacheReadTokens ?? 0,
        };
        call.finish({ status: 200, tokens, firstTokenMs });
        yield {
          type: 'done',
          source: call.source,
          usage: { inputTokens: tokens.inputTokens, outputTokens: tokens.outputTokens },
          ...(call.capped ? { capped: call.capped } : {}),
        };
        return;
      }
    }
    // A stream that ends without a finish part was cut short: by the provider, or by a graceful
    // stop's end (the client is still there, and is told so).
    const cut = shutdownReason(call.signal) ?? providerErrors.endedEarly(providerName);
    cutShort(cut);
    yield { type: 'error', error: cut };
  } finally {
    // The client went away (or the consumer stopped reading): charged on the estimate. A call
    // already finished above is not finished twice.
    cutShort(providerErrors.clientClosed());
  }
}
