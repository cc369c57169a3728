// `verify: true`: ask the provider's list-models endpoint whether a key works before storing it.
import { AppError } from '../errors.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import { failureForStatus } from '../upstream/upstream-error.ts';
import { type KeySource, vaultErrors } from './vault-errors.ts';

export async function verifyKeyWithProvider(options: {
  provider: ProviderSpec;
  apiKey: string;
  baseUrl: string;
  source: KeySource;
  timeoutMs: number;
}): Promise<void> {
  const { provider, apiKey, baseUrl, source, timeoutMs } = options;
  const request = provider.listModelsRequest(apiKey, baseUrl);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'GET',
      headers: { accept: 'application/json', ...request.headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new AppError(
      timedOut ? 504 : 502,
      timedOut ? 'provider_timeout' : 'provider_error',
      timedOut
        ? `${provider.name} did not answer in time while checking the key.`
        : `${provider.name} could not be reached to check the key.`,
      { details: { provider: provider.id } },
    );
  }
  if (response.ok) {
    // The body is not needed; drain it so the connection is reused.
    await response.body?.cancel().catch(() => {});
    return;
  }
  const body = await response.text().catch(() => '');
  const failure = failureForStatus(response.status, body, provider);
  if (failure === 'rejected_key') throw vaultErrors.providerRejectedKey(provider, source);
  if (failure === 'rate_limited') {
    throw new AppError(429, 'provider_rate_limited', `${provider.name} is rate limiting this key; try again later.`, {
      details: { provider: provider.id },
      headers: response.headers.get('retry-after') ? { 'retry-after': response.headers.get('retry-after') ?? '' } : {},
    });
  }
  throw new AppError(502, 'provider_error', `${provider.name} answered ${response.status} while checking the key.`, {
    details: { provider: provider.id },
  });
}
