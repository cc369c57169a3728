// `verify: true`: ask the provider's list-models endpoint whether a key works before storing it.
import { providerErrors } from '../providers/provider-errors.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import { failureForStatus, providerMessageFrom } from '../upstream/upstream-error.ts';
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
    throw (error as Error).name === 'TimeoutError'
      ? vaultErrors.verifyTimedOut(provider)
      : vaultErrors.verifyUnreachable(provider);
  }
  if (response.ok) {
    // The body is not needed; drain it so the connection is reused.
    await response.body?.cancel().catch(() => {});
    return;
  }
  const body = await response.text().catch(() => '');
  const failure = failureForStatus(response.status, body, provider);
  // The provider's reason (its words, scrubbed of the key and anything like a credential) goes back
  // to the admin who pasted the key: it says whether the key is revoked, mistyped or of another org.
  if (failure === 'rejected_key') throw providerErrors.rejectedKey(provider, source, providerMessageFrom(body, apiKey));
  if (failure === 'rate_limited') throw vaultErrors.verifyRateLimited(provider, response.headers.get('retry-after'));
  throw vaultErrors.verifyFailed(provider, response.status);
}
