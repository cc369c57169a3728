// Gateway model ids are `<provider>/<model>`, split on the first slash (`groq/openai/gpt-oss-120b`
// is Groq's `openai/gpt-oss-120b`). A bare id is accepted when the catalogue makes it unique.
import { isWellFormedModelId } from '../../shared/model-id.ts';
import { checkModelId } from '../providers/model-id-format.ts';
import { getProvider, isProviderId, type ProviderId, providers } from '../providers/registry.ts';
import { gatewayErrors } from './gateway-errors.ts';

export interface ModelRoute {
  provider: ProviderId;
  /** The provider's own model id, as sent upstream. */
  model: string;
}

const bareIdOwners = new Map<string, ProviderId[]>();
for (const provider of providers) {
  for (const model of provider.models) bareIdOwners.set(model.id, [...(bareIdOwners.get(model.id) ?? []), provider.id]);
}

export function routeModel(id: string): ModelRoute {
  const slash = id.indexOf('/');
  if (slash > 0) {
    const provider = id.slice(0, slash);
    // The provider's own id is held to its format before anything else looks at it (issue 10, item 3).
    if (isProviderId(provider)) return { provider, model: checkModelId(getProvider(provider), id.slice(slash + 1)) };
  }
  if (!isWellFormedModelId(id)) throw gatewayErrors.malformedModelId();
  const owners = bareIdOwners.get(id);
  if (owners?.length === 1 && owners[0]) return { provider: owners[0], model: id };
  if (owners && owners.length > 1) throw gatewayErrors.ambiguousModel(id, owners);
  throw slash > 0 ? gatewayErrors.unknownProviderInModel(id.slice(0, slash), id) : gatewayErrors.unknownModel(id);
}
