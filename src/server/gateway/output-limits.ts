// What a chat-completions request may make the provider bill as output, read once at the boundary:
// the limit per answer (under whichever name the client gave it), how many answers (n), and the
// output billed beyond them (a prediction's rejected tokens). The admission holds that worst case;
// the gateway then sends exactly one limit, the one held, and the provider's adapter names it.
import { commonErrors } from '../errors.ts';
import { maxOutputTokensOf } from '../providers/registry.ts';
import { OUTPUT_TOKENS_CEILING, type ProviderSpec } from '../providers/spec.ts';
import type { CompletionBody } from './completion-request.ts';

/**
 * The names clients give the output limit. All of them are read and removed: a pass-through
 * upstream that honoured a second name WeBox left in place would bill past the hold.
 */
const OUTPUT_LIMIT_NAMES = ['max_completion_tokens', 'max_tokens', 'max_output_tokens'] as const;
/** The limit's name on the way out; a provider's `renamed` rule turns it into its own. */
export const SENT_AS = 'max_completion_tokens';
/** OpenAI's bound on n; no provider takes more. */
export const MAX_CHOICES = 128;

export interface OutputRequest {
  /** The output limit per answer the client set, or null. */
  maxOutputTokens: number | null;
  /** Answers the provider writes (n), each up to the limit. */
  choices: number;
  /** Output billed beyond the answers' limit, at most: a prediction's tokens, per answer. */
  extraOutputTokens: number;
  /** Parameters present whose cost the price book cannot bound (refused when a budget applies). */
  unbounded: string[];
}

const invalid = commonErrors.invalidParameter;

const isSet = (value: unknown) => value !== undefined && value !== null;
const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

export function readOutputRequest(provider: ProviderSpec, model: string, body: CompletionBody): OutputRequest {
  const maximum = maxOutputTokensOf(provider.id, model);
  let limit: { name: string; value: number } | null = null;
  for (const name of OUTPUT_LIMIT_NAMES) {
    const value = body[name];
    if (!isSet(value)) continue;
    if (!isPositiveInteger(value)) throw invalid(`${name} must be a positive integer.`, name);
    if (value > maximum) {
      throw invalid(
        maximum === OUTPUT_TOKENS_CEILING
          ? `${name} must be at most ${OUTPUT_TOKENS_CEILING}.`
          : `${name} may be at most ${maximum} for ${provider.id}/${model} (the model's longest answer).`,
        name,
      );
    }
    // OpenAI itself refuses both names at once; guessing which one was meant would either bill
    // more than the client expects or cut the answer shorter than it expects.
    if (limit && limit.value !== value) {
      throw invalid(`${limit.name} and ${name} are two names for one limit: send one of them.`, name);
    }
    limit ??= { name, value };
  }

  const n = body.n;
  if (isSet(n) && (!isPositiveInteger(n) || n > MAX_CHOICES)) {
    throw invalid(`n must be an integer from 1 to ${MAX_CHOICES}.`, 'n');
  }
  const choices = isSet(n) ? (n as number) : 1;
  // Rejected prediction tokens are billed as output, and a token covers at least one byte.
  const extraOutputTokens = isSet(body.prediction) ? choices * Buffer.byteLength(JSON.stringify(body.prediction)) : 0;
  if (limit && choices * limit.value + extraOutputTokens > OUTPUT_TOKENS_CEILING) {
    throw invalid(`n × ${limit.name} asks for more output than one request may (${OUTPUT_TOKENS_CEILING}).`, 'n');
  }
  return {
    maxOutputTokens: limit?.value ?? null,
    choices,
    extraOutputTokens,
    // What the provider bills beyond the price book (audio output, per-call search fees) cannot be
    // held: refused while a budget applies, whatever the key (the global keys refuse it anyway).
    unbounded: Object.entries(provider.gateway.pricedParameters ?? {})
      .filter(([name, priced]) => isSet(body[name]) && !priced.free?.(body[name]))
      .map(([name]) => name),
  };
}

/** The body with exactly one output limit, `limit` (none when null), whatever names it came under. */
export function withOutputLimit(body: CompletionBody, limit: number | null): CompletionBody {
  const sent: CompletionBody = { ...body };
  for (const name of OUTPUT_LIMIT_NAMES) delete sent[name];
  if (limit !== null) sent[SENT_AS] = limit;
  return sent;
}
