// The registry's models as one flat list of `provider/model` ids with their list price and price
// tier: what the admin chooses from, and how "the cheapest" is decided.
import { type CatalogueModel, priceTierOf } from '../../shared/models.ts';
import { providers } from '../providers/registry.ts';

export type CatalogueEntry = Omit<CatalogueModel, 'offered'>;

export const catalogue: readonly CatalogueEntry[] = providers.flatMap((provider) =>
  provider.models.map((model) => ({
    id: `${provider.id}/${model.id}`,
    provider: provider.id,
    providerName: provider.name,
    model: model.id,
    name: model.name,
    description: model.description,
    tier: priceTierOf(model.pricing.outputMicrousdPerMtok),
    inputMicrousdPerMtok: model.pricing.inputMicrousdPerMtok,
    outputMicrousdPerMtok: model.pricing.outputMicrousdPerMtok,
  })),
);

const byId = new Map(catalogue.map((entry) => [entry.id, entry]));

export const inCatalogue = (id: string) => byId.has(id);

/** The cheapest of these ids (output price, then input price, then catalogue order); null: none in the catalogue. */
export function cheapestOf(ids: Iterable<string>): string | null {
  let best: CatalogueEntry | null = null;
  for (const id of ids) {
    const entry = byId.get(id);
    if (!entry) continue;
    if (
      best === null ||
      entry.outputMicrousdPerMtok < best.outputMicrousdPerMtok ||
      (entry.outputMicrousdPerMtok === best.outputMicrousdPerMtok &&
        entry.inputMicrousdPerMtok < best.inputMicrousdPerMtok)
    ) {
      best = entry;
    }
  }
  return best?.id ?? null;
}
