// Deterministic token accounting and delta splitting shared by every fake.
//
// Tests (and WeBox's metering tests) must be able to predict the usage a fake
// reports without running a tokenizer, so the rules are deliberately simple:
//   input tokens  = ceil(characters of every prompt text / 4), at least 1
//   output tokens = number of whitespace-separated words of the reply

/** The reply a fake sends until `setReply()` says otherwise. */
export function defaultReplyFor(provider: string): string {
  return `Hello from the fake ${provider} upstream.`;
}

/**
 * Collects the prompt strings of a request body fragment, whatever the wire
 * format nests them in: plain strings, arrays, `{text}` parts, `{content}`
 * messages (OpenAI, Anthropic, Responses `input`) and `{parts}` (Gemini).
 * Other fields (roles, types, image urls) are ignored on purpose.
 */
export function collectText(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(collectText);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (typeof record.text === 'string') return [record.text];
  if ('content' in record) return collectText(record.content);
  if ('parts' in record) return collectText(record.parts);
  return [];
}

/** Input tokens the fakes report for these prompt texts. */
export function inputTokensFor(texts: readonly string[]): number {
  const chars = texts.reduce((sum, text) => sum + text.length, 0);
  return Math.max(1, Math.ceil(chars / 4));
}

/** Input tokens for the prompt-bearing fields of a request body. */
export function countInputTokens(...fields: unknown[]): number {
  return inputTokensFor(fields.flatMap(collectText));
}

/** Output tokens the fakes report for a reply: its word count. */
export function outputTokensFor(reply: string): number {
  return reply.split(/\s+/).filter((word) => word.length > 0).length;
}

/**
 * Splits a reply into stream deltas, word by word (each word keeps its
 * trailing space, so the deltas concatenate back to the reply). Short replies
 * are split by characters so that a stream still has at least 3 deltas
 * whenever the text is long enough for it.
 */
export function splitIntoDeltas(reply: string): string[] {
  const words = reply.match(/\s*\S+\s*/g) ?? [];
  if (words.length >= 3 || reply.length < 3) return words.length > 0 ? words : reply ? [reply] : [];
  const size = Math.ceil(reply.length / 3);
  const pieces: string[] = [];
  for (let i = 0; i < reply.length; i += size) pieces.push(reply.slice(i, i + size));
  return pieces;
}

/**
 * How many deltas a `cut` stream delivers before the socket is destroyed:
 * about half, at least one, and never all of them, so the client always sees
 * a strict prefix of the reply.
 */
export function deltasBeforeCut(deltaCount: number): number {
  return Math.max(0, Math.min(deltaCount - 1, Math.max(1, Math.floor(deltaCount / 2))));
}

/**
 * The reply as a provider writes it under an output limit: its first `maxTokens` words (tokens,
 * by the rule above), and whether the limit cut it. A limit that is absent or not a positive
 * integer leaves the reply whole.
 */
export function replyWithin(reply: string, maxTokens: unknown): { text: string; cut: boolean } {
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens <= 0) {
    return { text: reply, cut: false };
  }
  const words = reply.match(/\s*\S+\s*/g) ?? [];
  if (words.length <= maxTokens) return { text: reply, cut: false };
  return { text: words.slice(0, maxTokens).join('').trimEnd(), cut: true };
}

/** How many answers a request asks for (`n`), 1 when it does not say. */
export function choicesOf(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1;
}
