// The one gate every model call passes (web chat, conversations, /v1) once its key is resolved:
// the user's calls in flight first (a count in memory), rate limits next (cheap, and they protect
// the providers), then the budget hold. The caller
// sends the returned headers (a refusal carries them too), sends upstream the output limit it
// returns (the one held, and the only one), and calls finish() when the request ends, whatever
// happened.
import { AppError } from '../errors.ts';
import { maxOutputTokensOf } from '../providers/registry.ts';
import { OUTPUT_TOKENS_CEILING } from '../providers/spec.ts';
import { costMicrousd } from './cost.ts';
import { type BudgetFallback, budgetInForce, type LimitPolicies } from './limit-policies.ts';
import type { MeteredCall } from './metered-call.ts';
import { meteringErrors } from './metering-errors.ts';
import type { PriceBook } from './price-book.ts';
import type { Quota } from './quota.ts';
import { type RateLimits, rateLimitHeaders } from './rate-limits.ts';

/**
 * The output a budgeted request may produce when it does not say (max_tokens): WeBox sends this
 * cap to the provider (or the model's own maximum when that is lower), so the held worst case is
 * a real bound. Clients that need longer answers ask for them with max_tokens, and their hold
 * grows to match.
 */
export const DEFAULT_MAX_OUTPUT_TOKENS = 8_192;
/** Role markers and message framing the provider adds around each message. */
const TOKENS_PER_MESSAGE = 8;

/**
 * A prompt's worst case in tokens: one per byte of its text (byte-level tokenizers never do
 * worse: every token covers at least one byte), plus each message's framing.
 */
export const worstCaseInputTokens = (promptBytes: number, messageCount: number) =>
  promptBytes + TOKENS_PER_MESSAGE * messageCount;

/** What admission needs to know of a call's size to bound what it may cost. */
export interface CallSize {
  /** The prompt's size in UTF-8 bytes (everything sent as input: messages, tools, …). */
  promptBytes: number;
  messageCount: number;
  /** The output limit per answer the request asked for (max_tokens), if any; checked by the caller. */
  maxOutputTokens: number | null;
  /** Answers the provider writes (n), each up to the limit (default 1). */
  choices?: number;
  /** Output the provider may bill beyond the answers' limit (a prediction's rejected tokens). */
  extraOutputTokens?: number;
  /** Parameters in the request whose cost the price book cannot bound: refused when a budget applies. */
  unboundedParameters?: readonly string[];
}

export interface AdmissionRequest extends MeteredCall, CallSize {
  /** The access token's own requests-per-minute limit, if it has one. */
  tokenRequestsPerMinute: number | null;
  /** What the pipeline's gates know of the user's budget on the global keys (see budgetInForce). */
  budgetFallback?: BudgetFallback;
}

export interface Admission {
  /** X-RateLimit-Limit / -Remaining / -Reset for the answer. */
  headers: Record<string, string>;
  /**
   * The output limit per answer to send upstream, and the only one: the request's own, or WeBox's
   * cap on a budgeted request that set none (the hold counts it once per answer). Null when neither
   * applies (no budget, no limit: nothing is held).
   */
  capOutputTokens: number | null;
  /** Ends the request's claim: counts its tokens per minute and stops keeping its hold alive. */
  finish(tokens: { inputTokens: number; outputTokens: number } | null): void;
}

/** Retry-After for a refusal at the cap: calls end all the time, so a second is a fair guess. */
const IN_FLIGHT_RETRY_SECONDS = 1;

export function createAdmission(options: {
  policies: LimitPolicies;
  rates: RateLimits;
  quota: Quota;
  prices: PriceBook;
  /** Model calls one user may have running at once in this process. */
  maxInFlightPerUser: number;
}) {
  const { policies, rates, quota, prices, maxInFlightPerUser } = options;
  // Calls running per user, in this process only: what it protects (the upstream connections,
  // this process's sockets) is per process too, and a count costs no round trip on the hot path.
  const running = new Map<string, number>();

  /** Takes one of the user's slots, or refuses; the returned function gives it back, once. */
  function occupy(userId: string): () => void {
    const current = running.get(userId) ?? 0;
    if (current >= maxInFlightPerUser) {
      throw meteringErrors.tooManyInFlight(current, IN_FLIGHT_RETRY_SECONDS);
    }
    running.set(userId, current + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (running.get(userId) ?? 1) - 1;
      if (left > 0) running.set(userId, left);
      else running.delete(userId);
    };
  }

  async function admit(request: AdmissionRequest): Promise<Admission> {
    // Before anything is counted or awaited: a refusal here costs nothing and holds nothing.
    const vacate = occupy(request.userId);
    try {
      return await admitOccupying(request, vacate);
    } catch (error) {
      vacate();
      throw error;
    }
  }

  async function admitOccupying(request: AdmissionRequest, vacate: () => void): Promise<Admission> {
    const limits = policies.cached(request.userId) ?? (await policies.effective(request.userId));
    // Spending the operator's keys unmetered is worse than a pause; a user's own keys may go on.
    const failClosed = request.source === 'global';
    const userKey = `user:${request.userId}`;

    const perMinute = [{ key: userKey, perMinute: limits.requestsPerMinute, what: 'your account' }];
    if (request.tokenId && request.tokenRequestsPerMinute) {
      perMinute.push({
        key: `token:${request.tokenId}`,
        perMinute: request.tokenRequestsPerMinute,
        what: 'this access token',
      });
    }
    const window = await rates.takeRequest(perMinute, failClosed);
    const headers = rateLimitHeaders(window);
    try {
      return { headers, ...(await claim(request, limits, failClosed, userKey, vacate)) };
    } catch (error) {
      // A refusal after the request was counted still tells the client where its minute stands.
      throw error instanceof AppError ? error.withHeaders(headers) : error;
    }
  }

  async function claim(
    request: AdmissionRequest,
    limits: Awaited<ReturnType<LimitPolicies['effective']>>,
    failClosed: boolean,
    userKey: string,
    vacate: () => void,
  ): Promise<Pick<Admission, 'capOutputTokens' | 'finish'>> {
    const tokensPerMinute = limits.tokensPerMinute;
    if (tokensPerMinute) await rates.checkTokens(userKey, tokensPerMinute, failClosed);

    let capOutputTokens = request.maxOutputTokens;
    let release = () => {};
    const { budget, ceiling } = budgetInForce(limits, request.source, request.budgetFallback);
    if (budget) {
      const [unbounded] = request.unboundedParameters ?? [];
      if (unbounded) throw meteringErrors.unboundedParameter(unbounded);
      capOutputTokens ??= Math.min(DEFAULT_MAX_OUTPUT_TOKENS, maxOutputTokensOf(request.provider, request.model));
      // Every answer may run to the limit, and the provider bills each one.
      const outputTokens = (request.choices ?? 1) * capOutputTokens + (request.extraOutputTokens ?? 0);
      if (outputTokens > OUTPUT_TOKENS_CEILING) throw meteringErrors.tooMuchOutput();
      const inputTokens = worstCaseInputTokens(request.promptBytes, request.messageCount);
      const price = prices.priceAt(request.provider, request.model, new Date());
      if (!price && (budget.dayMicrousd !== null || budget.monthMicrousd !== null)) {
        throw meteringErrors.unpricedModel(request.provider, request.model);
      }
      release = await quota.hold(
        {
          requestId: request.requestId,
          userId: request.userId,
          tokenId: request.tokenId,
          endpoint: request.endpoint,
          provider: request.provider,
          model: request.model,
          source: request.source,
          inputTokens,
          outputTokens,
          microusd: price ? costMicrousd({ inputTokens, outputTokens, cachedInputTokens: 0 }, price) : 0,
        },
        budget,
        ceiling,
      );
    }

    let finished = false;
    return {
      capOutputTokens,
      finish(tokens) {
        if (finished) return;
        finished = true;
        vacate();
        release();
        if (tokensPerMinute && tokens) {
          void rates.addTokens(userKey, tokensPerMinute, tokens.inputTokens + tokens.outputTokens);
        }
      },
    };
  }

  /** Where the user's minute stands, without counting a request (answers that called no model). */
  async function peekHeaders(userId: string) {
    const limits = policies.cached(userId) ?? (await policies.effective(userId));
    return rateLimitHeaders(await rates.peek(`user:${userId}`, limits.requestsPerMinute));
  }

  return { admit, peekHeaders, inFlight: (userId: string) => running.get(userId) ?? 0 };
}

export type Admit = ReturnType<typeof createAdmission>['admit'];
