// The providers and their models (GET /api/providers) with, for each, the key a request would use
// now (GET /api/keys): what the model picker and the profile show.
import { api } from '../api/client.ts';
import type { KeySource, ProviderInfo, UserKeyState } from '../api/types.ts';
import { useLoaded } from './use-loaded.ts';

export interface Catalog {
  providers: ProviderInfo[];
  keys: UserKeyState[];
  /** Where a new chat starts (`provider/model`), as the server chose it; null or absent: none. */
  defaultModel?: string | null;
}

export function sourceOf(catalog: Catalog, provider: string): KeySource {
  return catalog.keys.find((key) => key.provider === provider)?.source ?? 'none';
}

export function providerName(catalog: Catalog | null, provider: string): string {
  return catalog?.providers.find((item) => item.id === provider)?.name ?? provider;
}

async function loadCatalog(): Promise<Catalog> {
  const [providers, keys] = await Promise.all([api.providers(), api.keys()]);
  return { providers: providers.providers, keys: keys.providers, defaultModel: providers.defaultModel ?? null };
}

export function useCatalog() {
  const { value: catalog, error, reload } = useLoaded(loadCatalog);
  return { catalog, error, reload };
}
