// How a model call ended, and the one usage record every surface's call leaves: refused, failed,
// cut short or answered, on the web chat, a conversation or /v1.
import { AppError } from '../errors.ts';
import { estimateTokens, type TokenCounts } from '../metering/cost.ts';
import type { MeteredCall } from '../metering/metered-call.ts';
import type { UsageRecord } from '../metering/usage-row.ts';

export interface CallOutcome {
  /** The HTTP status the call answered with (or would have, before its first byte). */
  status: number;
  errorCode?: string | null;
  /** The provider's counts, when they arrived. */
  tokens?: TokenCounts | null;
  /**
   * Output tokens produced, counted locally, when the provider's counts never came (a stream cut
   * or failed after it started): the call is then charged on an estimate.
   */
  estimatedOutputTokens?: number;
  /** Milliseconds from the call's start to the first token or byte of the answer. */
  firstTokenMs?: number | null;
  /** The provider's own HTTP status, when the call failed upstream. */
  upstreamStatus?: number;
}

/** A call that threw: its status and code when WeBox threw it, a 500 otherwise. */
export function failureOutcome(error: unknown): CallOutcome {
  if (!(error instanceof AppError)) return { status: 500, errorCode: 'internal_error' };
  const upstreamStatus = (error.cause as { status?: unknown } | undefined)?.status;
  return typeof upstreamStatus === 'number'
    ? { status: error.statusCode, errorCode: error.code, upstreamStatus }
    : { status: error.statusCode, errorCode: error.code };
}

/** What the call is known by when it is recorded (labels already made safe for a refused call). */
export interface RecordedCall extends Omit<MeteredCall, 'source'> {
  /** None when the call was refused before a key was found. */
  source: MeteredCall['source'] | 'none';
  /** performance.now() when the request arrived. */
  startedAt: number;
  /** Characters of input, read only to estimate a call whose counts never arrived. */
  inputCharacters: () => number;
}

export function usageRecordOf(call: RecordedCall, outcome: CallOutcome): UsageRecord {
  const tokens = outcome.tokens ?? null;
  return {
    requestId: call.requestId,
    userId: call.userId,
    tokenId: call.tokenId,
    endpoint: call.endpoint,
    provider: call.provider,
    model: call.model,
    keySource: call.source,
    tokens,
    estimatedTokens:
      !tokens && outcome.estimatedOutputTokens !== undefined
        ? {
            inputTokens: estimateTokens(call.inputCharacters()),
            outputTokens: outcome.estimatedOutputTokens,
            cachedInputTokens: 0,
          }
        : null,
    status: outcome.status,
    errorCode: outcome.errorCode ?? null,
    latencyMs: performance.now() - call.startedAt,
    firstTokenMs: outcome.firstTokenMs ?? null,
  };
}
