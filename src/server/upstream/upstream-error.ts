// Every failure of a provider call becomes one UpstreamError carrying the provider, the status and
// whether it may be retried, and then one AppError with the codes of DESIGN §10.
import type { APICallError, StreamProviderError } from 'ai';
import type { AppError } from '../errors.ts';
import { type KeySource, providerErrors } from '../providers/provider-errors.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import { scrubSecrets } from './scrub-secrets.ts';

export type UpstreamFailure =
  | 'rejected_key'
  | 'rate_limited'
  | 'bad_request'
  | 'server_error'
  | 'unreachable'
  | 'timeout';

export class UpstreamError extends Error {
  override name = 'UpstreamError';
  readonly provider: ProviderSpec;
  readonly failure: UpstreamFailure;
  readonly status: number | undefined;
  /** Connection errors, 429 and 5xx: worth one more try before the client has seen a byte. */
  readonly retryable: boolean;
  /** From the provider's Retry-After, when it sent one. */
  readonly retryAfterSeconds: number | undefined;
  /**
   * The provider's own words for a 400, trimmed and scrubbed of the call's key and of anything
   * shaped like a credential (see providerText); never contains our request headers.
   */
  readonly providerMessage: string | undefined;

  constructor(options: {
    provider: ProviderSpec;
    failure: UpstreamFailure;
    status?: number;
    retryAfterSeconds?: number;
    providerMessage?: string;
  }) {
    super(`${options.provider.name} call failed: ${options.failure}${options.status ? ` (${options.status})` : ''}`);
    this.provider = options.provider;
    this.failure = options.failure;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.providerMessage = options.providerMessage;
    this.retryable =
      options.failure === 'rate_limited' || options.failure === 'server_error' || options.failure === 'unreachable';
  }
}

/** Seconds from a Retry-After header (a number of seconds or an HTTP date). */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * A provider's words, fit for a client or a log line: scrubbed of the key the call was made with
 * (in every encoding) and of anything shaped like a credential, then trimmed (issue 10, item 4).
 */
export function providerText(text: string, apiKey: string): string {
  return scrubSecrets(text.slice(0, 2_000), [apiKey]).slice(0, 500);
}

/** Reads the human message out of the common provider error bodies, scrubbed (see providerText). */
export function providerMessageFrom(body: string | undefined, apiKey: string): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const message =
      typeof parsed.error === 'object'
        ? parsed.error?.message
        : typeof parsed.error === 'string'
          ? parsed.error
          : parsed.message;
    return typeof message === 'string' ? providerText(message, apiKey) : undefined;
  } catch {
    return undefined;
  }
}

/** What an error answer of a provider means; `body` is its text, when it was read. */
export function failureForStatus(status: number, body: string | undefined, provider: ProviderSpec): UpstreamFailure {
  if (status === 401 || status === 403) return 'rejected_key';
  if (provider.rejectsKey?.(status, body)) return 'rejected_key';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

/**
 * Whether an error is one of the AI SDK's of this name, read from the marker the SDK sets on its
 * errors for exactly this (its own `X.isInstance` reads the same `Symbol.for` key, so that copies
 * of the SDK recognise each other's errors). Checking it here, rather than importing the classes,
 * keeps the SDK off the start-up path: it is loaded on the first model call (issue 13), and only
 * such a call yields these errors.
 */
function isAiError<T>(error: unknown, name: string): error is T {
  const marker = Symbol.for(`vercel.ai.error.${name}`);
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}

const isApiCallError = (error: unknown) => isAiError<APICallError>(error, 'AI_APICallError');

/**
 * Classifies what a provider call threw. `timedOut` is our own timer's verdict; `apiKey` is the
 * call's key, scrubbed from the provider's words. Errors that are not the provider's (an invalid
 * prompt, a bug) are rethrown as they are.
 */
export function toUpstreamError(
  error: unknown,
  provider: ProviderSpec,
  timedOut: boolean,
  apiKey: string,
): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (timedOut) return new UpstreamError({ provider, failure: 'timeout' });
  const candidates = [error, (error as { cause?: unknown } | undefined)?.cause];
  for (const candidate of candidates) {
    // A 2xx status here means the answer broke off after it started: a lost connection.
    if (isApiCallError(candidate) && candidate.statusCode !== undefined && candidate.statusCode >= 400) {
      return new UpstreamError({
        provider,
        failure: failureForStatus(candidate.statusCode, candidate.responseBody, provider),
        status: candidate.statusCode,
        retryAfterSeconds: parseRetryAfter(candidate.responseHeaders?.['retry-after']),
        providerMessage: providerMessageFrom(candidate.responseBody, apiKey),
      });
    }
    // An error event inside the provider's stream (Anthropic's overloaded_error, OpenAI's error
    // chunk), normalised by the SDK: its status, when it gives one, says what kind of failure.
    if (isAiError<StreamProviderError>(candidate, 'AI_StreamProviderError')) {
      const status = candidate.statusCode !== undefined && candidate.statusCode >= 400 ? candidate.statusCode : 500;
      return new UpstreamError({
        provider,
        failure: failureForStatus(status, undefined, provider),
        status,
        providerMessage: providerText(candidate.message, apiKey),
      });
    }
    // The provider sent something that is not its documented stream (an error in another shape).
    if (isAiError(candidate, 'AI_TypeValidationError') || isAiError(candidate, 'AI_JSONParseError')) {
      return new UpstreamError({ provider, failure: 'server_error', status: 502 });
    }
  }
  if (isConnectionFailure(error)) return new UpstreamError({ provider, failure: 'unreachable' });
  // Anything else (an invalid prompt, a bug of ours) is not the provider's doing: let it surface
  // as the internal error it is instead of blaming the provider.
  throw error;
}

/** Fetch's network failures, aborted sockets and SDK errors raised without an HTTP answer. */
function isConnectionFailure(error: unknown): boolean {
  if (isApiCallError(error)) return true;
  const name = (error as Error | undefined)?.name;
  return name === 'TypeError' || name === 'AbortError' || name === 'TimeoutError' || name === 'SocketError';
}

/**
 * The client's error for an upstream failure; the UpstreamError is its cause (never rendered), so
 * the call's outcome knows the provider's own status (the detectors: a 401 or 403 on a global key).
 */
export function upstreamErrorToAppError(error: UpstreamError, source: KeySource): AppError {
  return appErrorOf(error, source).withCause(error);
}

function appErrorOf(error: UpstreamError, source: KeySource): AppError {
  const { provider } = error;
  switch (error.failure) {
    case 'rejected_key':
      return providerErrors.rejectedKey(provider, source);
    case 'rate_limited':
      return providerErrors.rateLimited(provider, source, error.retryAfterSeconds);
    case 'bad_request':
      return providerErrors.badRequest(provider, source, error.providerMessage);
    case 'timeout':
      return providerErrors.timeout(provider, source);
    case 'server_error':
      return providerErrors.serverError(provider, source, error.status);
    case 'unreachable':
      return providerErrors.unreachable(provider, source);
  }
}
