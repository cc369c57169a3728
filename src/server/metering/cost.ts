// Money is integer micro-dollars. A request's cost is ceil(tokens × price_per_million / 1e6) per
// token kind, summed (DESIGN §10). Cached input tokens are part of the input tokens the provider
// reports; they are charged at the cached price when the model has one, else at the input price.
export interface Price {
  id: string | null;
  inputMicrousdPerMtok: number;
  outputMicrousdPerMtok: number;
  cachedInputMicrousdPerMtok: number | null;
}

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}

const charge = (tokens: number, pricePerMillion: number) =>
  tokens <= 0 ? 0 : Math.ceil((tokens * pricePerMillion) / 1_000_000);

export function costMicrousd(tokens: TokenCounts, price: Price): number {
  const cached = Math.min(Math.max(tokens.cachedInputTokens, 0), Math.max(tokens.inputTokens, 0));
  const uncached = Math.max(tokens.inputTokens, 0) - cached;
  return (
    charge(uncached, price.inputMicrousdPerMtok) +
    charge(cached, price.cachedInputMicrousdPerMtok ?? price.inputMicrousdPerMtok) +
    charge(tokens.outputTokens, price.outputMicrousdPerMtok)
  );
}

/** A local guess when the provider's count never arrived: about four characters a token. */
export const estimateTokens = (characters: number) => (characters <= 0 ? 0 : Math.ceil(characters / 4));
