// The catalogue models a user may run on one key source now: on a personal key, every model of
// the providers the user holds a key for; on the global keys, those of the providers the global
// key serves them for (no personal key of theirs in the way) that the operator's offer, the plan
// and the group allow (model-access.ts). What a budget refusal picks its suggestion from.
import type { BillingAccess } from '../billing/billing-access.ts';
import type { ModelChoice } from '../metering/admission.ts';
import type { KeySource } from '../metering/limit-policies.ts';
import { providers } from '../providers/registry.ts';
import type { Vault } from '../vault/vault-service.ts';
import type { ModelAccess } from './model-access.ts';

export function createUsableModels(options: { vault: Vault; billing: BillingAccess; access: ModelAccess }) {
  const { vault, billing, access } = options;
  return async (userId: string, source: KeySource): Promise<ModelChoice[]> => {
    const sources = await Promise.all(providers.map((provider) => vault.getApiKeySource(userId, provider.id)));
    const rules = source === 'global' ? await access.rulesFor(userId, await billing.decide(userId)) : null;
    return providers.flatMap((provider, index) =>
      sources[index] !== source
        ? []
        : provider.models
            .filter((model) => !rules || rules.allows(`${provider.id}/${model.id}`))
            .map((model) => ({ provider: provider.id, model: model.id, name: model.name })),
    );
  };
}
