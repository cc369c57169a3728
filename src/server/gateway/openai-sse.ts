// A translated completion asked for as a stream: the AI SDK's parts become OpenAI's
// chat.completion.chunk events, written as they come, ended by `data: [DONE]` or an error event.
import { shutdownReason } from '../drain.ts';
import type { AppError } from '../errors.ts';
import { errorEvent } from '../event-stream.ts';
import type { TokenCounts } from '../metering/cost.ts';
import { providerErrors } from '../providers/provider-errors.ts';
import type { TranslatedCompletion } from './openai-answer.ts';
import { finishReasonOf, toOpenAiUsage, usageOfFinish } from './openai-finish.ts';

/** Where the events go: the hijacked response (openEventStream), ended here. */
export interface EventSink {
  write(text: string): unknown;
  end(): unknown;
}

export interface StreamedCompletion {
  /** The provider's usage, or null when the stream ended without it. */
  usage: TokenCounts | null;
  /** Set when the stream failed after its first byte (the client got an error event). */
  streamError: AppError | null;
  /** Characters of text streamed, the estimate's base when no usage came. */
  streamedCharacters: number;
}

/**
 * Writes the stream, starting with the assistant's role. `includeUsage` is the client's
 * stream_options.include_usage: then a usage chunk precedes [DONE].
 */
export async function writeChunks(
  sink: EventSink,
  completion: TranslatedCompletion,
  includeUsage: boolean,
): Promise<StreamedCompletion> {
  const { id, created, model, modelStream, signal } = completion;
  const event = (payload: Record<string, unknown>) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, ...payload })}\n\n`;
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    event({ choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] });
  sink.write(chunk({ role: 'assistant', content: '' }));
  let toolIndex = 0;
  let streamedCharacters = 0;
  let usage: TokenCounts | null = null;
  let streamError: AppError | null = null;
  try {
    for await (const part of modelStream.parts) {
      if (part.type === 'text-delta' && part.text) {
        streamedCharacters += part.text.length;
        sink.write(chunk({ content: part.text }));
      } else if (part.type === 'tool-call') {
        sink.write(
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
        streamError = shutdownReason(signal) ?? modelStream.describe(part.error);
        break;
      } else if (part.type === 'finish') {
        usage = usageOfFinish(part.totalUsage);
        sink.write(chunk({}, finishReasonOf(part.finishReason)));
        if (includeUsage) sink.write(event({ choices: [], usage: toOpenAiUsage(usage) }));
        sink.write('data: [DONE]\n\n');
        break;
      }
    }
    if (!usage && !streamError) {
      // Ended by the graceful stop, by the provider, or by the client (who hears nothing more).
      streamError =
        shutdownReason(signal) ?? (signal.aborted ? null : providerErrors.endedEarly(completion.providerName));
    }
    if (streamError) sink.write(errorEvent(streamError));
  } finally {
    sink.end();
  }
  return { usage, streamError, streamedCharacters };
}
