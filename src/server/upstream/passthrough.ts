// The hot path for OpenAI-compatible upstreams (OpenAI, Mistral, Groq): the request goes out with
// only the model id, parameter names and authorization rewritten, over a pooled undici client, and
// the answer's bytes come back untouched but for the provider's stream rewrite and the scrubbed
// error events. Usage is read from the JSON answer, or from the last chunks of the stream, without
// parsing the rest (passthrough-usage.ts).
import type { FastifyReply } from 'fastify';
import type { Dispatcher } from 'undici';
import { shutdownReason } from '../drain.ts';
import type { AppError } from '../errors.ts';
import { errorEvent, openEventStream } from '../event-stream.ts';
import type { TokenCounts } from '../metering/cost.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import { usageFromStreamTail, usageOf } from './passthrough-usage.ts';
import { createStreamErrorScrubber } from './stream-error-scrubber.ts';
import { createStreamTail } from './stream-tail.ts';
import {
  failureForStatus,
  parseRetryAfter,
  providerMessageFrom,
  UpstreamError,
  upstreamErrorToAppError,
} from './upstream-error.ts';
import type { UpstreamPools } from './upstream-pool.ts';
import { retryDelayMs, sleep } from './upstream-retry.ts';

export interface ForwardRequest {
  provider: ProviderSpec;
  apiKey: string;
  source: 'personal' | 'global';
  baseUrl: string;
  /** The body as it goes out, serialised once by the caller (serializeForProvider). */
  body: string;
  stream: boolean;
  timeoutMs: number;
  pools: UpstreamPools;
  signal: AbortSignal;
  log: { warn(object: Record<string, unknown>, message: string): void };
}

export interface ForwardResult {
  usage: TokenCounts | null;
  /** Milliseconds until the first byte of the answer reached the client. */
  firstByteMs: number | null;
  /** Set when the stream failed after its first byte (the client got an error event). */
  streamError: AppError | null;
  /** Output tokens guessed from what was streamed, for when the provider's usage never came. */
  estimatedOutputTokens: number;
}

/** A header value as one string (undici gives string | string[]). */
const headerText = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function connectionFailure(provider: ProviderSpec, error: unknown) {
  const code = (error as { code?: string } | undefined)?.code;
  const timedOut =
    code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
  return new UpstreamError({ provider, failure: timedOut ? 'timeout' : 'unreachable' });
}

export async function forwardCompletion(request: ForwardRequest, reply: FastifyReply): Promise<ForwardResult> {
  const { provider, source, log } = request;
  const { pool, basePath } = request.pools.forBaseUrl(request.baseUrl);
  const startedAt = performance.now();

  let upstream: Dispatcher.ResponseData;
  for (let attempt = 1; ; attempt++) {
    let failure: UpstreamError;
    try {
      upstream = await pool.request({
        path: `${basePath}/chat/completions`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: request.stream ? 'text/event-stream' : 'application/json',
          ...provider.authHeaders(request.apiKey),
        },
        body: request.body,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
        signal: request.signal,
      });
      if (upstream.statusCode < 400) break;
      const text = await upstream.body.text();
      failure = new UpstreamError({
        provider,
        failure: failureForStatus(upstream.statusCode, text, provider),
        status: upstream.statusCode,
        retryAfterSeconds: parseRetryAfter(headerText(upstream.headers['retry-after'])),
        providerMessage: providerMessageFrom(text, request.apiKey),
      });
    } catch (error) {
      if (request.signal.aborted) throw error;
      failure = connectionFailure(provider, error);
    }
    log.warn(
      { provider: provider.id, failure: failure.failure, status: failure.status, attempt },
      'provider call failed',
    );
    const waitMs = retryDelayMs(failure, attempt);
    if (waitMs === null) throw upstreamErrorToAppError(failure, source);
    await sleep(waitMs);
  }

  if (!request.stream) {
    const answer = Buffer.from(await upstream.body.arrayBuffer());
    let usage: TokenCounts | null = null;
    try {
      usage = usageOf(JSON.parse(answer.toString('utf8')), provider);
    } catch {
      // Not JSON: passed on as it is, unmetered.
    }
    reply.status(200).header('content-type', 'application/json').send(answer);
    return { usage, firstByteMs: performance.now() - startedAt, streamError: null, estimatedOutputTokens: 0 };
  }

  const raw = openEventStream(reply);
  const tail = createStreamTail();
  let firstByteMs: number | null = null;
  let streamError: AppError | null = null;
  // Each content chunk carries about one token: counting events is the estimate for a cut stream.
  let events = 0;
  const rewrite = provider.gateway.streamRewrite?.() ?? null;
  const scrub = createStreamErrorScrubber(request.apiKey);
  const send = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    const out = rewrite ? rewrite.push(bytes) : bytes;
    if (out.length > 0) raw.write(out);
  };
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      if (firstByteMs === null) firstByteMs = performance.now() - startedAt;
      events += countEvents(chunk);
      send(scrub.push(chunk));
      tail.push(chunk);
    }
    send(scrub.flush());
    const rest = rewrite?.flush();
    if (rest && rest.length > 0) raw.write(rest);
  } catch (error) {
    // Ended by the graceful stop: the client is still there and is told why.
    const stopped = shutdownReason(request.signal);
    if (stopped || !request.signal.aborted) {
      streamError = stopped ?? upstreamErrorToAppError(connectionFailure(provider, error), source);
      raw.write(errorEvent(streamError));
    }
  } finally {
    raw.end();
  }
  return {
    usage: usageFromStreamTail(tail.bytes().toString('utf8'), provider),
    firstByteMs,
    streamError,
    estimatedOutputTokens: events,
  };
}

const DATA = Buffer.from('data:');
function countEvents(chunk: Buffer) {
  let count = 0;
  for (let index = chunk.indexOf(DATA); index !== -1; index = chunk.indexOf(DATA, index + DATA.length)) count++;
  return count;
}
