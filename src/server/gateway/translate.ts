// Providers that do not speak OpenAI's chat completions (Anthropic, Google) go through the AI SDK:
// the OpenAI request becomes AI SDK messages and settings (openai-messages.ts, openai-settings.ts),
// and the SDK's parts become OpenAI's chat.completion object (openai-answer.ts) or
// chat.completion.chunk stream (openai-sse.ts).
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { openEventStream } from '../event-stream.ts';
import { estimateTokens } from '../metering/cost.ts';
import { onFirstUse } from '../on-first-use.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import { startModelStream } from '../upstream/model-stream.ts';
import type { ForwardResult } from '../upstream/passthrough.ts';
import type { CompletionBody } from './completion-request.ts';
import { readAnswer, type TranslatedCompletion } from './openai-answer.ts';
import { writeChunks } from './openai-sse.ts';

// openai-settings.ts builds tools with the AI SDK's helpers: imported with the SDK, on the first
// translated request, so the pass-through alone never loads it (issue 13).
const loadSettings = onFirstUse(() => import('./openai-settings.ts'));

export interface TranslateRequest {
  provider: ProviderSpec;
  apiKey: string;
  source: 'personal' | 'global';
  baseUrl: string;
  modelId: string;
  /** The id the client asked for, echoed in answers (`anthropic/claude-…`). */
  clientModel: string;
  body: CompletionBody;
  stream: boolean;
  timeoutMs: number;
  signal: AbortSignal;
  log: { warn(object: Record<string, unknown>, message: string): void };
}

export async function translateCompletion(request: TranslateRequest, reply: FastifyReply): Promise<ForwardResult> {
  const { toSettings } = await loadSettings();
  const settings = toSettings(request.body);
  const startedAt = performance.now();
  const modelStream = await startModelStream({
    provider: request.provider,
    apiKey: request.apiKey,
    source: request.source,
    baseUrl: request.baseUrl,
    modelId: request.modelId,
    timeoutMs: request.timeoutMs,
    signal: request.signal,
    settings,
    log: request.log,
  });
  const completion: TranslatedCompletion = {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: request.clientModel,
    providerName: request.provider.name,
    modelStream,
    signal: request.signal,
  };

  if (!request.stream) {
    const { answer, usage } = await readAnswer(completion);
    reply.status(200).send(answer);
    return { usage, firstByteMs: performance.now() - startedAt, streamError: null, estimatedOutputTokens: 0 };
  }

  const includeUsage = (request.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const raw = openEventStream(reply);
  const firstByteMs = performance.now() - startedAt;
  const { usage, streamError, streamedCharacters } = await writeChunks(raw, completion, includeUsage);
  return { usage, firstByteMs, streamError, estimatedOutputTokens: estimateTokens(streamedCharacters) };
}
