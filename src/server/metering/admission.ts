// The one gate every model call passes (web chat, conversations, /v1) once its key is resolved:
// the user's calls in flight first (a count in memory), rate limits next (cheap, and they protect
// the providers), then the budget hold. The caller
// sends the returned headers (a refusal carries them too), sends upstream the output limit it
// returns (the one held, and the only one), and calls finish() when the request ends, whatever
// happened.
import { AppError } from '../errors.ts';
import { maxOutputTokensOf } from '../providers/registry.ts';
import { OUTPUT_TOKENS_CEILING } from '../providers/spec.ts';
import { costMicrousd, type Price } from './cost.ts';
import {
  type BudgetFallback,
  type BudgetLimits,
  budgetInForce,
  type KeySource,
  type LimitPolicies,
  NO_LIMITS,
} from './limit-policies.ts';
import type { MeteredCall } from './metered-call.ts';
import { meteringErrors } from './metering-errors.ts';
import { capOf, type OperatorBudgets, type OperatorLimits } from './operator-budget.ts';
import type { PriceBook } from './price-book.ts';
import type { Quota } from './quota.ts';
import type { BudgetRoom, HoldRequest } from './quota-hold.ts';
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

/** A model the user could switch to (a refusal's suggestion). */
export interface ModelChoice {
  provider: string;
  model: string;
  /** Its display name. */
  name: string;
}

export interface AdmissionRequest extends MeteredCall, CallSize {
  /** The access token's own requests-per-minute limit, if it has one. */
  tokenRequestsPerMinute: number | null;
  /** What the pipeline's gates know of the user's budget on the global keys (see budgetInForce). */
  budgetFallback?: BudgetFallback;
  /**
   * The models this user may use on the same key source, asked only when the money left refuses
   * the call: the refusal suggests the cheapest whose shortest useful answer fits.
   */
  alternatives?: () => Promise<readonly ModelChoice[]>;
}

/** Why WeBox sent a lower output limit than the request asked for (or than its default). */
export interface OutputCap {
  outputTokens: number;
  reason: 'budget';
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
  /**
   * Set when the budget left could not cover the answer the request asked for (or WeBox's
   * default) and the output was capped to what fits: the answer says so.
   */
  capped: OutputCap | null;
  /** Ends the request's claim: counts its tokens per minute and stops keeping its hold alive. */
  finish(tokens: { inputTokens: number; outputTokens: number } | null): void;
}

interface CallShape {
  inputTokens: number;
  choices: number;
  extraOutputTokens: number;
}

/**
 * The longest answer (output tokens per answer) whose worst case fits the room: the tokens left
 * less the prompt, and the money left less the prompt's cost, at the model's output price. May be
 * zero or less: nothing fits.
 */
export function outputThatFits(room: BudgetRoom, call: CallShape, price: Price | null): number {
  let output = Number.POSITIVE_INFINITY;
  if (room.tokens !== null) output = room.tokens - call.inputTokens;
  if (room.microusd !== null && price) {
    const left =
      room.microusd - costMicrousd({ inputTokens: call.inputTokens, outputTokens: 0, cachedInputTokens: 0 }, price);
    const perMillion = price.outputMicrousdPerMtok;
    if (perMillion > 0) {
      // Output is charged ceil(tokens × price / 1e6): the largest count whose charge fits `left`.
      let fitting = Math.floor((left * 1_000_000) / perMillion);
      const charge = (tokens: number) =>
        costMicrousd({ inputTokens: 0, outputTokens: tokens, cachedInputTokens: 0 }, price);
      while (fitting > 0 && charge(fitting) > left) fitting--;
      output = Math.min(output, fitting);
    } else if (left < 0) {
      output = -1;
    }
  }
  if (output === Number.POSITIVE_INFINITY) return OUTPUT_TOKENS_CEILING;
  return Math.floor((output - call.extraOutputTokens) / call.choices);
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
  /** The operator budget: its hard cap holds every global-key call too. */
  operator?: OperatorBudgets;
}) {
  const { policies, rates, quota, prices, maxInFlightPerUser, operator } = options;
  /**
   * The budget last held for each user and key source (group's and plan's included), read by the
   * ledger's threshold detector so it warns admins about the budget the user is really held to.
   */
  const budgetsHeld = new Map<string, BudgetLimits>();

  /** The operator's hard cap, when it holds global-key calls (cached: no promise on a hit). */
  function operatorCap(source: KeySource): OperatorLimits | null | Promise<OperatorLimits | null> {
    if (source !== 'global' || !operator) return null;
    const cached = operator.cached();
    return cached ? capOf(cached) : operator.current().then(capOf);
  }
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
  ): Promise<Pick<Admission, 'capOutputTokens' | 'capped' | 'finish'>> {
    const tokensPerMinute = limits.tokensPerMinute;
    if (tokensPerMinute) await rates.checkTokens(userKey, tokensPerMinute, failClosed);

    let capOutputTokens = request.maxOutputTokens;
    let capped: OutputCap | null = null;
    let release = () => {};
    const inForce = budgetInForce(limits, request.source, request.budgetFallback);
    const { ceiling } = inForce;
    const known = operatorCap(request.source);
    const cap = known instanceof Promise ? await known : known;
    const heldKey = `${request.userId}:${request.source}`;
    if (inForce.budget) budgetsHeld.set(heldKey, inForce.budget);
    else budgetsHeld.delete(heldKey);
    // Under the operator's hard cap every global-key call is held, with or without a budget of its own.
    const budget = inForce.budget ?? (cap ? NO_LIMITS : null);
    if (budget) {
      const [unbounded] = request.unboundedParameters ?? [];
      if (unbounded) throw meteringErrors.unboundedParameter(unbounded);
      const asked =
        capOutputTokens ?? Math.min(DEFAULT_MAX_OUTPUT_TOKENS, maxOutputTokensOf(request.provider, request.model));
      const choices = request.choices ?? 1;
      const extraOutputTokens = request.extraOutputTokens ?? 0;
      // Every answer may run to the limit, and the provider bills each one.
      if (choices * asked + extraOutputTokens > OUTPUT_TOKENS_CEILING) throw meteringErrors.tooMuchOutput();
      const inputTokens = worstCaseInputTokens(request.promptBytes, request.messageCount);
      const price = prices.priceAt(request.provider, request.model, new Date());
      if (!price && (budget.dayMicrousd !== null || budget.monthMicrousd !== null || cap)) {
        throw meteringErrors.unpricedModel(request.provider, request.model);
      }
      const shape = { inputTokens, choices, extraOutputTokens };
      const holdFor = (cap: number): HoldRequest => {
        const outputTokens = choices * cap + extraOutputTokens;
        return {
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
        };
      };
      // The shortest answer worth giving; a client's own shorter limit is kept as it is.
      const minimum = Math.min(asked, limits.minUsefulOutputTokens);
      let output = asked;
      let lastRoom: BudgetRoom | null = null;
      // When the whole answer does not fit what is left, the output is capped to what does (and
      // that is what is held, so the cap is as exact as any hold), down to the minimum.
      const shorten = (room: BudgetRoom) => {
        lastRoom = room;
        const fitting = Math.min(asked, outputThatFits(room, shape, price));
        output = fitting >= minimum ? fitting : minimum;
        return holdFor(output);
      };
      try {
        release = await quota.hold(holdFor(asked), budget, ceiling, shorten, cap);
      } catch (error) {
        if (cap) tellOperatorRefusal(error);
        throw await withSuggestion(error, request, lastRoom, shape, limits.minUsefulOutputTokens);
      }
      capOutputTokens = output;
      if (output < asked) capped = { outputTokens: output, reason: 'budget' };
    }

    let finished = false;
    return {
      capOutputTokens,
      capped,
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

  /** A refusal of the operator's hard cap is told to its watchers (the 100 % alert). */
  function tellOperatorRefusal(error: unknown) {
    if (!(error instanceof AppError) || error.code !== 'quota_exceeded' || !operator) return;
    const quota = error.details?.quota as
      | { source?: unknown; period?: unknown; limit?: unknown; remaining?: unknown }
      | undefined;
    if (quota?.source !== 'operator' || typeof quota.limit !== 'number') return;
    const period = quota.period === 'day' ? 'day' : 'month';
    operator.refused({ period, limitMicrousd: quota.limit, spentMicrousd: quota.limit - Number(quota.remaining ?? 0) });
  }

  /**
   * A refusal for money gets `suggestion`: the cheapest model the user may use on the same key
   * source whose shortest useful answer (at this prompt) fits the room left, or null. Other errors
   * pass as they are.
   */
  async function withSuggestion(
    error: unknown,
    request: AdmissionRequest,
    room: BudgetRoom | null,
    shape: CallShape,
    minUsefulOutputTokens: number,
  ): Promise<unknown> {
    if (!(error instanceof AppError) || error.code !== 'quota_exceeded') return error;
    const unit = (error.details?.quota as { unit?: unknown } | undefined)?.unit;
    if (unit !== 'microusd' || !room || !request.alternatives) return error.withDetails({ suggestion: null });
    // A failure to list them costs the refusal its suggestion, never the refusal itself.
    const candidates = await request.alternatives().catch(() => []);
    const now = new Date();
    let best: { choice: ModelChoice; microusd: number } | null = null;
    for (const choice of candidates) {
      if (choice.provider === request.provider && choice.model === request.model) continue;
      const price = prices.priceAt(choice.provider, choice.model, now);
      if (!price) continue;
      const asked =
        request.maxOutputTokens ??
        Math.min(DEFAULT_MAX_OUTPUT_TOKENS, maxOutputTokensOf(choice.provider, choice.model));
      const shortest = Math.min(asked, minUsefulOutputTokens, maxOutputTokensOf(choice.provider, choice.model));
      if (outputThatFits(room, shape, price) < shortest) continue;
      const outputTokens = shape.choices * shortest + shape.extraOutputTokens;
      const microusd = costMicrousd({ inputTokens: shape.inputTokens, outputTokens, cachedInputTokens: 0 }, price);
      if (!best || microusd < best.microusd) best = { choice, microusd };
    }
    const suggestion = best ? { model: `${best.choice.provider}/${best.choice.model}`, name: best.choice.name } : null;
    return error.withDetails({ suggestion });
  }

  /** Where the user's minute stands, without counting a request (answers that called no model). */
  async function peekHeaders(userId: string) {
    const limits = policies.cached(userId) ?? (await policies.effective(userId));
    return rateLimitHeaders(await rates.peek(`user:${userId}`, limits.requestsPerMinute));
  }

  return {
    admit,
    peekHeaders,
    inFlight: (userId: string) => running.get(userId) ?? 0,
    /** The budget last held for this user on this key source (null: none seen). */
    budgetHeld: (userId: string, source: KeySource) => budgetsHeld.get(`${userId}:${source}`) ?? null,
  };
}

export type Admit = ReturnType<typeof createAdmission>['admit'];
