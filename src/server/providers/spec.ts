// The provider adapter interface. It imports nothing from a provider: each provider file
// implements it, and registry.ts is the one list of them.
import type { LanguageModel } from 'ai';

export interface ModelPricing {
  /** Micro-dollars per million input tokens. */
  inputMicrousdPerMtok: number;
  /** Micro-dollars per million output tokens. */
  outputMicrousdPerMtok: number;
  /** Micro-dollars per million cached input tokens (null: the provider has no cache discount). */
  cachedInputMicrousdPerMtok: number | null;
}

export interface ModelInfo {
  /** The provider's own model id, as sent upstream (may contain slashes: Groq's `openai/gpt-oss-120b`). */
  id: string;
  name: string;
  /** One line on what the model is good for, in each language of the web app (the model picker shows it). */
  description: { en: string; fr: string };
  /** Public list price when the catalogue was written (seed for usage metering). */
  pricing: ModelPricing;
  /**
   * The most output tokens one answer may ask for (the provider's documented limit; where it
   * documents none, the context window). A larger limit is refused with a 400 before any call.
   */
  maxOutputTokens: number;
}

/**
 * The output limit of a model outside the catalogue: the largest count WeBox stores (a 32-bit
 * integer column). A budget bounds such a request further by itself: its hold must fit.
 */
export const OUTPUT_TOKENS_CEILING = 2 ** 31 - 1;

export interface KeyFormat {
  /** Checked on the trimmed key, after the common length and character checks. */
  pattern: RegExp;
  /** What an operator types: shown in the UI and in `invalid_key_format` errors. */
  hint: string;
  /**
   * How such a key (or a masked or cut piece of one) looks inside other text: global, unanchored.
   * Provider messages and logged errors lose whatever matches (see upstream/scrub-secrets.ts).
   */
  shape: RegExp;
}

/** Which of the common grammar's ids a provider takes (see model-id-format.ts). */
export interface ModelIdFormat {
  /** Checked after the common grammar (src/shared/model-id.ts). */
  pattern: RegExp;
  /** What a valid id looks like: said in the 400 that refuses one. */
  hint: string;
}

export interface LanguageModelOptions {
  /** The resolved key, decrypted for this one call. Never undefined: see assertApiKey. */
  apiKey: string;
  baseUrl: string;
  modelId: string;
  /** A fetch with WeBox's timeouts; the SDK uses global fetch otherwise. */
  fetch?: typeof globalThis.fetch;
}

/** How the OpenAI-compatible gateway adapts a chat-completions request for this provider. */
export interface GatewayParameters {
  /** OpenAI parameters this provider does not take: a request using one is refused with a 400. */
  unsupported?: readonly string[];
  /** OpenAI parameter → this provider's name for it. */
  renamed?: Readonly<Record<string, string>>;
  /** Protocol options the provider would refuse and does not need (removed silently). */
  dropped?: readonly string[];
  /** Streamed usage must be asked for with stream_options.include_usage (OpenAI). */
  streamUsageOption?: boolean;
  /**
   * Where this provider's answers carry usage when it is not under `usage` (read for metering, on
   * the JSON answer and on the stream's last chunks). Absent: `usage` only.
   */
  usageFrom?(answer: Record<string, unknown>): unknown;
  /**
   * Re-writes a streamed answer where it departs from OpenAI's wire format (one rewriter per
   * stream, bytes in, bytes out). Absent: the bytes go to the client as they came.
   */
  streamRewrite?(): StreamRewriter;
  /**
   * The service_tier values this provider bills at the catalogue's prices; any other tier is
   * refused on the global keys unless WEBOX_GLOBAL_SERVICE_TIERS allows it. Absent: service_tier
   * never reaches this provider (the translated providers), so there is nothing to check.
   */
  standardServiceTiers?: readonly string[];
  /**
   * Parameters that make the provider bill something the ledger cannot price, refused on the global
   * keys unless WEBOX_GLOBAL_PRICED_PARAMETERS names them. `bills` says what, in the refusal.
   */
  pricedParameters?: Readonly<Record<string, PricedParameter>>;
}

/**
 * Changes a pass-through stream on its way to the client. Called on the hot path for every network
 * chunk: a chunk it has nothing to change should come back as it is, undecoded.
 */
export interface StreamRewriter {
  push(chunk: Buffer): Buffer;
  /** What is still held back when the stream ends. */
  flush(): Buffer;
}

export interface PricedParameter {
  /** What the provider bills for it, beyond the tokens: "a fee for each web search". */
  bills: string;
  /** A value that costs nothing more (`modalities: ["text"]`); null and absent always do. */
  free?(value: unknown): boolean;
}

export interface ProviderSpec<Id extends string = string> {
  id: Id;
  /** Display name, used in messages such as "No API key available for OpenAI". */
  name: string;
  defaultBaseUrl: string;
  keyFormat: KeyFormat;
  /** The ids this provider takes; anything else is refused before a key is resolved. */
  modelIdFormat: ModelIdFormat;
  /**
   * Builds the AI SDK model for one request, with the key passed explicitly. Asynchronous because
   * the provider's SDK is imported on first use (see `onFirstUse`).
   */
  languageModel(options: LanguageModelOptions): Promise<LanguageModel>;
  /**
   * The headers that carry the key on every request WeBox sends itself (the pass-through, the
   * list-models check), with whatever else the API asks of each call; `bearer` for OpenAI's scheme.
   */
  authHeaders(apiKey: string): Record<string, string>;
  /** The list-models request that tells whether a key works (`verify: true`); its headers are authHeaders. */
  listModelsRequest(apiKey: string, baseUrl: string): { url: string; headers: Record<string, string> };
  /**
   * An error answer that refuses the key although its status is not 401 or 403 (Google's 400
   * API_KEY_INVALID). Absent: only 401 and 403 refuse a key. Read on every path: the
   * pass-through, the AI SDK stream and the key check.
   */
  rejectsKey?(status: number, body: string | undefined): boolean;
  /** True when the upstream speaks OpenAI's chat completions (the gateway passes those through). */
  openaiCompatible: boolean;
  gateway: GatewayParameters;
  models: readonly ModelInfo[];
}

/**
 * A provider built with an undefined or empty apiKey silently reads OPENAI_API_KEY and friends
 * from the environment: every adapter calls this first so that never happens.
 */
export function assertApiKey(apiKey: string | undefined): asserts apiKey is string {
  if (typeof apiKey !== 'string' || apiKey.length === 0) {
    throw new Error('A provider client was built without an API key.');
  }
}

/** Prices are written in dollars per million tokens for readability and stored in micro-dollars. */
export function price(inputUsd: number, outputUsd: number, cachedInputUsd: number | null = null): ModelPricing {
  const micro = (usd: number) => Math.round(usd * 1_000_000);
  return {
    inputMicrousdPerMtok: micro(inputUsd),
    outputMicrousdPerMtok: micro(outputUsd),
    cachedInputMicrousdPerMtok: cachedInputUsd === null ? null : micro(cachedInputUsd),
  };
}

export function bearer(apiKey: string) {
  return { authorization: `Bearer ${apiKey}` };
}
