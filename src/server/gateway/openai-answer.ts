// A translated completion asked for without streaming: the AI SDK's parts are read to the end and
// become one chat.completion object.
import { shutdownReason } from '../drain.ts';
import type { TokenCounts } from '../metering/cost.ts';
import { providerErrors } from '../providers/provider-errors.ts';
import type { ModelStream } from '../upstream/model-stream.ts';
import { finishReasonOf, toOpenAiUsage, usageOfFinish } from './openai-finish.ts';
import type { OpenAiToolCall } from './openai-messages.ts';

/** One translated completion, as the JSON answer and the event stream both write it. */
export interface TranslatedCompletion {
  /** `chatcmpl-…`: the answer's id, or every chunk's. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The id the client asked for, echoed in answers (`anthropic/claude-…`). */
  model: string;
  /** The provider's display name, for an answer it ended early. */
  providerName: string;
  modelStream: ModelStream;
  /** The request's signal: a graceful stop's reason is what the client is told. */
  signal: AbortSignal;
}

/**
 * The chat.completion object, and the usage to meter. An error part, or an answer that ends with no
 * finish part, throws what the client is told (a graceful stop's reason before the provider's).
 */
export async function readAnswer(completion: TranslatedCompletion) {
  const { modelStream, signal } = completion;
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
    } else if (part.type === 'error') throw shutdownReason(signal) ?? modelStream.describe(part.error);
    else if (part.type === 'finish') {
      const usage: TokenCounts = usageOfFinish(part.totalUsage);
      const answer = {
        id: completion.id,
        object: 'chat.completion',
        created: completion.created,
        model: completion.model,
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
      };
      return { answer, usage };
    }
  }
  throw shutdownReason(signal) ?? providerErrors.endedEarly(completion.providerName);
}
