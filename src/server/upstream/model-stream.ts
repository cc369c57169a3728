// One provider call through the AI SDK, up to the first part of the answer: what the web chat and
// the gateway's translated providers share. Until that part arrives a failure may still be
// retried (once, ours: the SDK's own retries are off) or become a plain error response; after it,
// the caller streams the parts on.
import type { streamText, TextStreamPart, ToolSet } from 'ai';
import { shutdownReason } from '../drain.ts';
import type { AppError } from '../errors.ts';
import { onFirstUse } from '../on-first-use.ts';
import { providerErrors } from '../providers/provider-errors.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import { scrubError } from './scrub-secrets.ts';
import { toUpstreamError, UpstreamError, upstreamErrorToAppError } from './upstream-error.ts';
import { createUpstreamCall } from './upstream-fetch.ts';
import { retryDelayMs, sleep } from './upstream-retry.ts';

// The AI SDK on the first call, not at start-up: it is several MB resident, and an instance whose
// traffic is the gateway's OpenAI-compatible pass-through never calls it (issue 13).
const loadAi = onFirstUse(() => import('ai'));

export type ModelPart = TextStreamPart<ToolSet>;
export type StreamTextSettings = Omit<
  Parameters<typeof streamText>[0],
  'model' | 'maxRetries' | 'abortSignal' | 'onError' | 'prompt'
>;

/** Parts that prove the provider answered: after one of them, the request is never retried. */
function isFirstAnswerPart(part: ModelPart) {
  return (
    part.type === 'text-delta' ||
    part.type === 'reasoning-delta' ||
    part.type === 'tool-call' ||
    part.type === 'finish' ||
    part.type === 'error'
  );
}

export interface ModelStreamRequest {
  provider: ProviderSpec;
  apiKey: string;
  source: 'personal' | 'global';
  baseUrl: string;
  modelId: string;
  timeoutMs: number;
  signal: AbortSignal;
  settings: StreamTextSettings;
  log: { warn(object: Record<string, unknown>, message: string): void };
}

export interface ModelStream {
  parts: AsyncGenerator<ModelPart>;
  /** Maps a part's error (after the first byte) to the code the client is told. */
  describe(error: unknown): AppError;
}

export async function startModelStream(request: ModelStreamRequest): Promise<ModelStream> {
  const { provider, source, log } = request;
  const { streamText } = await loadAi();
  for (let attempt = 1; ; attempt++) {
    const call = createUpstreamCall(request.timeoutMs);
    const result = streamText({
      ...request.settings,
      model: await provider.languageModel({
        apiKey: request.apiKey,
        baseUrl: request.baseUrl,
        modelId: request.modelId,
        fetch: call.fetch,
      }),
      maxRetries: 0,
      abortSignal: request.signal,
      // The SDK prints stream errors to the console by default; they reach us as parts instead.
      onError: () => {},
    } as Parameters<typeof streamText>[0]);
    const iterator = result.fullStream[Symbol.asyncIterator]();
    const buffered: ModelPart[] = [];
    let first: IteratorResult<ModelPart>;
    try {
      do {
        first = await iterator.next();
        if (!first.done) buffered.push(first.value);
      } while (!first.done && !isFirstAnswerPart(first.value));
    } catch (error) {
      // A dropped connection makes the iteration itself throw rather than yield an error part.
      first = { done: false, value: { type: 'error', error } };
      buffered.push(first.value);
    }
    // An error that is not the provider's is rethrown, but never with the provider's text or the
    // key in it: the SDK's errors quote the provider's message and carry its whole answer.
    const classify = (error: unknown) => {
      try {
        return toUpstreamError(error, provider, call.timedOut, request.apiKey);
      } catch (unexpected) {
        throw scrubError(unexpected, [request.apiKey]);
      }
    };
    const describe = (error: unknown) =>
      upstreamErrorToAppError(error instanceof UpstreamError ? error : classify(error), source);
    if (!first.done && first.value.type === 'error') {
      if (request.signal.aborted) {
        throw shutdownReason(request.signal) ?? providerErrors.clientClosed();
      }
      const upstream = classify(first.value.error);
      log.warn(
        {
          provider: provider.id,
          failure: upstream.failure,
          status: upstream.status,
          attempt,
          err: scrubError(first.value.error, [request.apiKey]),
        },
        'provider call failed',
      );
      const waitMs = retryDelayMs(upstream, attempt);
      if (waitMs !== null) {
        await sleep(waitMs);
        continue;
      }
      throw upstreamErrorToAppError(upstream, source);
    }
    return { parts: replay(buffered, iterator), describe };
  }
}

/** The parts already read, then the rest; a throw while reading becomes an error part. */
async function* replay(buffered: ModelPart[], iterator: AsyncIterator<ModelPart>): AsyncGenerator<ModelPart> {
  yield* buffered;
  for (;;) {
    let item: IteratorResult<ModelPart>;
    try {
      item = await iterator.next();
    } catch (error) {
      yield { type: 'error', error };
      return;
    }
    if (item.done) return;
    yield item.value;
  }
}
