// The web chat: one completion streamed from the chosen provider with the key the vault resolves.
// It goes through the AI SDK (one streaming interface and token usage for all five providers).
import type { ModelMessage } from 'ai';
import type { Config } from '../config.ts';
import { commonErrors } from '../errors.ts';
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
  | { type: 'error'; code: string; message: string };

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

    const stream = await startModelStream({
      provider,
      apiKey: resolved.apiKey,
      source,
      baseUrl: config.providerBaseUrls[provider.id as ProviderId],
      modelId: request.model,
      timeoutMs: config.upstreamTimeoutMs,
      signal: request.signal,
      settings: { instructions: conversation.instructions, messages: conversation.messages },
      log,
    });
    return events(stream, source, provider.name);
  }

  async function* events(
    stream: ModelStream,
    source: 'personal' | 'global',
    providerName: string,
  ): AsyncGenerator<ChatEvent> {
    for await (const part of stream.parts) {
      if (part.type === 'text-delta' && part.text.length > 0) yield { type: 'delta', text: part.text };
      else if (part.type === 'error') {
        const error = stream.describe(part.error);
        yield { type: 'error', code: error.code, message: error.message };
        return;
      } else if (part.type === 'abort') {
        return;
      } else if (part.type === 'finish') {
        yield {
          type: 'done',
          source,
          usage: { inputTokens: part.totalUsage.inputTokens ?? 0, outputTokens: part.totalUsage.outputTokens ?? 0 },
        };
        return;
      }
    }
    // A stream that ends without a finish part was cut short.
    yield { type: 'error', code: 'provider_error', message: `${providerName} ended the answer early.` };
  }

  return { startChat };
}

export type ChatService = ReturnType<typeof createChatService>;
