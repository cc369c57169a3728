// Which model ids a provider takes (issue 10, item 3). The common grammar (src/shared/model-id.ts)
// holds for every provider; each provider narrows it to the shape of its own ids, so that an id
// can only name a model and never steer the call elsewhere. Checked before any key is resolved.
import { isWellFormedModelId, MODEL_ID_MAX_LENGTH } from '../../shared/model-id.ts';
import { providerErrors } from './provider-errors.ts';
import type { ModelIdFormat, ProviderSpec } from './spec.ts';

/**
 * A provider's id format. `slashes`: how many `/` its own ids may hold (Groq's
 * `meta-llama/llama-4-scout-17b-16e-instruct` has one). `colons`: false where the id goes into a
 * URL path whose `:` separates the method (Gemini's `models/{id}:streamGenerateContent`).
 */
export function modelIdFormat(options: { slashes: 0 | 1; colons: boolean }): ModelIdFormat {
  const segment = options.colons ? '[A-Za-z0-9][A-Za-z0-9._:-]*' : '[A-Za-z0-9][A-Za-z0-9._-]*';
  const pattern = new RegExp(`^${segment}${options.slashes === 1 ? `(?:/${segment})?` : ''}$`);
  const characters = options.colons ? 'letters, digits and . _ : -' : 'letters, digits and . _ -';
  const shape = options.slashes === 1 ? 'at most one "/" (for example meta-llama/llama-3.3-70b)' : 'no "/"';
  return {
    pattern,
    hint: `${characters}, starting with a letter or digit, ${shape}, no "..", at most ${MODEL_ID_MAX_LENGTH} characters`,
  };
}

export function isModelIdFor(provider: Pick<ProviderSpec, 'modelIdFormat'>, id: string): boolean {
  return isWellFormedModelId(id) && provider.modelIdFormat.pattern.test(id);
}

/** The id, when the provider takes it; otherwise 400 invalid_request naming the `model` parameter. */
export function checkModelId(provider: Pick<ProviderSpec, 'name' | 'modelIdFormat'>, id: string): string {
  if (isModelIdFor(provider, id)) return id;
  throw providerErrors.invalidModelId(provider);
}
