// The providers' error catalogue: an unknown provider id, a model id a provider does not take,
// and what a provider call's failure (an UpstreamError, DESIGN §10) answers. Messages name the
// provider, never the key.
import { AppError } from '../errors.ts';
import type { ProviderSpec } from './spec.ts';

export type KeySource = 'personal' | 'global';

type Named = Pick<ProviderSpec, 'id' | 'name'>;

const about = (provider: Named, source: KeySource) => ({ provider: provider.id, source });

export const providerErrors = {
  unknownProvider: (provider: string) =>
    new AppError(400, 'unknown_provider', `Unknown provider "${provider.slice(0, 40)}".`),
  /** The id itself is not repeated: it failed the grammar, so it may hold anything. */
  invalidModelId: (provider: Pick<ProviderSpec, 'name' | 'modelIdFormat'>) =>
    new AppError(
      400,
      'invalid_request',
      `The model id is not a valid ${provider.name} model id: ${provider.modelIdFormat.hint}.`,
      { details: { param: 'model' } },
    ),
  /** `providerMessage`: the provider's own reason, already scrubbed (see providerText), when it gave one. */
  rejectedKey: (provider: Named, source: KeySource, providerMessage?: string) =>
    new AppError(502, 'provider_rejected_key', `${provider.name} rejected the ${source} API key.`, {
      details: providerMessage ? { ...about(provider, source), providerMessage } : about(provider, source),
    }),
  rateLimited: (provider: Named, source: KeySource, retryAfterSeconds: number | undefined) =>
    new AppError(429, 'provider_rate_limited', `${provider.name} is rate limiting requests; try again later.`, {
      details: about(provider, source),
      headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    }),
  /** The provider's own words, when it gave some, already scrubbed (see providerText). */
  badRequest: (provider: Named, source: KeySource, providerMessage: string | undefined) =>
    new AppError(
      400,
      'provider_bad_request',
      `${provider.name} refused the request${providerMessage ? `: ${providerMessage}` : '.'}`,
      { details: about(provider, source) },
    ),
  timeout: (provider: Named, source: KeySource) =>
    new AppError(504, 'provider_timeout', `${provider.name} did not answer in time.`, {
      details: about(provider, source),
    }),
  serverError: (provider: Named, source: KeySource, status: number | undefined) =>
    new AppError(502, 'provider_error', `${provider.name} failed to answer (status ${status}).`, {
      details: about(provider, source),
    }),
  unreachable: (provider: Named, source: KeySource) =>
    new AppError(502, 'provider_error', `${provider.name} could not be reached.`, {
      details: about(provider, source),
    }),
  /** The answer stopped without its end (no finish part, no [DONE]). */
  endedEarly: (providerName = 'The provider') =>
    new AppError(502, 'provider_error', `${providerName} ended the answer early.`),
  /** Ends a call whose client went away; metered, never read by anyone. */
  clientClosed: () => new AppError(499, 'client_closed', 'The client went away.'),
};
