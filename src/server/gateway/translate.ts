// Providers that do not speak OpenAI's chat completions (Anthropic, Google) go through the AI SDK:
// the OpenAI request becomes AI SDK messages and settings, and the SDK's parts become OpenAI's
// chat.completion object or chat.completion.chunk stream.
import { randomUUID } from 'node:crypto';
import { type FinishReason, jsonSchema, type ModelMessage, type ToolSet, tool } from 'ai';
import type { FastifyReply } from 'fastify';
import { shutdownReason } from '../drain.ts';
import { type AppError, commonErrors } from '../errors.ts';
import { estimateTokens, type TokenCounts } from '../metering/cost.ts';
import { type ModelStream, type StreamTextSettings, startModelStream } from '../providers/model-stream.ts';
import { providerErrors } from '../providers/provider-errors.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import type { CompletionBody } from './completion-request.ts';
import { errorEvent, openEventStream } from './event-stream.ts';
import type { ForwardResult } from './passthrough.ts';

interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface OpenAiMessage {
  role: string;
  content?: unknown;
  tool_calls?: OpenAiToolCall[];
  tool_call_id?: string;
  name?: string;
}

const invalid = commonErrors.invalidParameter;

function textOf(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content
      .map((part: { type?: string; text?: unknown }, index) => {
        if (part?.type === 'text' && typeof part.text === 'string') return part.text;
        throw invalid(`Only text parts are accepted in ${param}.`, `${param}[${index}]`);
      })
      .join('');
  }
  throw invalid(`${param} must be a string or an array of content parts.`, param);
}

function userContent(content: unknown, param: string) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(`${param} must be a string or an array of content parts.`, param);
  return content.map((part: { type?: string; text?: unknown; image_url?: { url?: unknown } }, index) => {
    if (part?.type === 'text' && typeof part.text === 'string') return { type: 'text' as const, text: part.text };
    if (part?.type === 'image_url' && typeof part.image_url?.url === 'string') {
      const url = part.image_url.url;
      return { type: 'image' as const, image: url.startsWith('data:') ? url : new URL(url) };
    }
    throw invalid(`Unsupported content part in ${param}: use text or image_url.`, `${param}[${index}]`);
  });
}

function parseArguments(value: string, param: string): unknown {
  try {
    return JSON.parse(value || '{}');
  } catch {
    throw invalid(`${param} must be a JSON string.`, param);
  }
}

/** OpenAI messages → AI SDK instructions + messages. */
export function toModelMessages(messages: OpenAiMessage[]): {
  instructions: string | undefined;
  messages: ModelMessage[];
} {
  const instructions: string[] = [];
  const converted: ModelMessage[] = [];
  const toolNames = new Map<string, string>();
  messages.forEach((message, index) => {
    const param = `messages[${index}].content`;
    switch (message.role) {
      case 'system':
      case 'developer':
        instructions.push(textOf(message.content, param));
        return;
      case 'user':
        converted.push({ role: 'user', content: userContent(message.content, param) });
        return;
      case 'assistant': {
        const text = textOf(message.content, param);
        const calls = (message.tool_calls ?? []).map((call, callIndex) => {
          toolNames.set(call.id, call.function?.name);
          return {
            type: 'tool-call' as const,
            toolCallId: call.id,
            toolName: call.function?.name,
            input: parseArguments(
              call.function?.arguments,
              `messages[${index}].tool_calls[${callIndex}].function.arguments`,
            ),
          };
        });
        converted.push({
          role: 'assistant',
          content: calls.length === 0 ? text : [...(text ? [{ type: 'text' as const, text }] : []), ...calls],
        });
        return;
      }
      case 'tool': {
        const toolCallId = message.tool_call_id;
        if (typeof toolCallId !== 'string')
          throw invalid('A tool message needs tool_call_id.', `messages[${index}].tool_call_id`);
        converted.push({
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId,
              toolName: toolNames.get(toolCallId) ?? message.name ?? 'tool',
              output: { type: 'text', value: textOf(message.content, param) },
            },
          ],
        });
        return;
      }
      default:
        throw invalid(`Unknown role "${String(message.role).slice(0, 20)}".`, `messages[${index}].role`);
    }
  });
  if (converted.length === 0) throw invalid('messages must hold at least one user message.', 'messages');
  return { instructions: instructions.length > 0 ? instructions.join('\n\n') : undefined, messages: converted };
}

function toTools(body: CompletionBody): ToolSet | undefined {
  if (body.tools === undefined || body.tools === null) return undefined;
  if (!Array.isArray(body.tools)) throw invalid('tools must be an array.', 'tools');
  const tools: ToolSet = {};
  body.tools.forEach(
    (entry: { type?: string; function?: { name?: unknown; description?: unknown; parameters?: unknown } }, index) => {
      const name = entry?.function?.name;
      if (entry?.type !== 'function' || typeof name !== 'string') {
        throw invalid('Each tool must be {type: "function", function: {name, …}}.', `tools[${index}]`);
      }
      tools[name] = tool({
        description: typeof entry.function?.description === 'string' ? entry.function.description : undefined,
        inputSchema: jsonSchema(
          (entry.function?.parameters as object | undefined) ?? { type: 'object', properties: {} },
        ),
      });
    },
  );
  return tools;
}

function toToolChoice(choice: unknown): StreamTextSettings['toolChoice'] {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  const name = (choice as { function?: { name?: unknown } }).function?.name;
  if (typeof name === 'string') return { type: 'tool', toolName: name };
  throw invalid(
    'tool_choice must be "auto", "none", "required" or {type: "function", function: {name}}.',
    'tool_choice',
  );
}

const numberOrUndefined = (value: unknown, param: string) => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${param} must be a number.`, param);
  return value;
};

/** OpenAI request → AI SDK settings. */
export function toSettings(body: CompletionBody): StreamTextSettings {
  const { instructions, messages } = toModelMessages(body.messages as OpenAiMessage[]);
  if (typeof body.n === 'number' && body.n !== 1) throw invalid('n must be 1 for this provider.', 'n');
  const stop = body.stop;
  return {
    instructions,
    messages,
    tools: toTools(body),
    toolChoice: toToolChoice(body.tool_choice),
    temperature: numberOrUndefined(body.temperature, 'temperature'),
    topP: numberOrUndefined(body.top_p, 'top_p'),
    maxOutputTokens: numberOrUndefined(body.max_completion_tokens ?? body.max_tokens, 'max_tokens'),
    stopSequences: typeof stop === 'string' ? [stop] : Array.isArray(stop) ? (stop as string[]) : undefined,
    seed: numberOrUndefined(body.seed, 'seed'),
    presencePenalty: numberOrUndefined(body.presence_penalty, 'presence_penalty'),
    frequencyPenalty: numberOrUndefined(body.frequency_penalty, 'frequency_penalty'),
  } as StreamTextSettings;
}

function finishReasonOf(reason: FinishReason | undefined) {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

const toOpenAiUsage = (usage: TokenCounts) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.inputTokens + usage.outputTokens,
  prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
});

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
  const settings = toSettings(request.body);
  const startedAt = performance.now();
  const modelStream: ModelStream = await startModelStream({
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
  const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  const includeUsage = (request.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;

  if (!request.stream) {
    let text = '';
    const toolCalls: OpenAiToolCall[] = [];
    for await (const part of modelStream.parts) {
      if (part.type === 'text-delta') text += part.text;
      else if (part.type === 'tool-call') {
        toolCalls.push({
          id: part.toolCallId,
          type: 'function',
          function: { name: part.toolName, arguments: JSON.stringify(part.input) },
        });
      } else if (part.type === 'error') throw shutdownReason(request.signal) ?? modelStream.describe(part.error);
      else if (part.type === 'finish') {
        const usage = usageOfFinish(part.totalUsage);
        reply.status(200).send({
          id,
          object: 'chat.completion',
          created,
          model: request.clientModel,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: toolCalls.length > 0 && !text ? null : text,
                ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
                refusal: null,
              },
              finish_reason: finishReasonOf(part.finishReason),
              logprobs: null,
            },
          ],
          usage: toOpenAiUsage(usage),
        });
        return { usage, firstByteMs: performance.now() - startedAt, streamError: null, estimatedOutputTokens: 0 };
      }
    }
    throw shutdownReason(request.signal) ?? providerErrors.endedEarly(request.provider.name);
  }

  const raw = openEventStream(reply);
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.clientModel, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] })}\n\n`;
  const firstByteMs = performance.now() - startedAt;
  raw.write(chunk({ role: 'assistant', content: '' }));
  let toolIndex = 0;
  let streamedCharacters = 0;
  let usage: TokenCounts | null = null;
  let streamError: AppError | null = null;
  try {
    for await (const part of modelStream.parts) {
      if (part.type === 'text-delta' && part.text) {
        streamedCharacters += part.text.length;
        raw.write(chunk({ content: part.text }));
      } else if (part.type === 'tool-call') {
        raw.write(
          chunk({
            tool_calls: [
              {
                index: toolIndex++,
                id: part.toolCallId,
                type: 'function',
                function: { name: part.toolName, arguments: JSON.stringify(part.input) },
              },
            ],
          }),
        );
      } else if (part.type === 'error') {
        streamError = shutdownReason(request.signal) ?? modelStream.describe(part.error);
        break;
      } else if (part.type === 'finish') {
        usage = usageOfFinish(part.totalUsage);
        raw.write(chunk({}, finishReasonOf(part.finishReason)));
        if (includeUsage) {
          raw.write(
            `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.clientModel, choices: [], usage: toOpenAiUsage(usage) })}\n\n`,
          );
        }
        raw.write('data: [DONE]\n\n');
        break;
      }
    }
    if (!usage && !streamError) {
      // Ended by the graceful stop, by the provider, or by the client (who hears nothing more).
      streamError =
        shutdownReason(request.signal) ??
        (request.signal.aborted ? null : providerErrors.endedEarly(request.provider.name));
    }
    if (streamError) {
      raw.write(errorEvent(streamError));
    }
  } finally {
    raw.end();
  }
  return { usage, firstByteMs, streamError, estimatedOutputTokens: estimateTokens(streamedCharacters) };
}

function usageOfFinish(usage: {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  inputTokenDetails?: { cacheReadTokens: number | undefined };
}): TokenCounts {
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cachedInputTokens: usage.inputTokenDetails?.cacheReadTokens ?? 0,
  };
}
