// The providers and their models (GET /api/providers) with, for each, the key a request would use
// now (GET /api/keys): what the model picker and the profile show.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { KeySource, ProviderInfo, UserKeyState } from '../api/types.ts';

export interface Catalog {
  providers: ProviderInfo[];
  keys: UserKeyState[];
}

export function sourceOf(catalog: Catalog, provider: string): KeySource {
  return catalog.keys.find((key) => key.provider === provider)?.source ?? 'none';
}

export function providerName(catalog: Catalog | null, provider: string): string {
  return catalog?.providers.find((item) => item.id === provider)?.name ?? provider;
}

export function useCatalog() {
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      const [providers, keys] = await Promise.all([api.providers(), api.keys()]);
      setCatalog({ providers: providers.providers, keys: keys.providers });
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { catalog, error, reload };
}
