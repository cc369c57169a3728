// Gateway model ids are `<provider>/<model>`, split on the first slash (`groq/openai/gpt-oss-120b`
// is Groq's `openai/gpt-oss-120b`). A bare id is accepted when the catalogue makes it unique.
import { isWellFormedModelId, MODEL_ID_RULE } from '../../shared/model-id.ts';
import { AppError } from '../errors.ts';
import { checkModelId } from '../providers/model-id-format.ts';
import { getProvider, isProviderId, type ProviderId, providers } from '../providers/registry.ts';

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
  if (!isWellFormedModelId(id)) {
    throw new AppError(400, 'invalid_request', `The model id is not valid: ${MODEL_ID_RULE}.`, {
      details: { param: 'model' },
    });
  }
  const owners = bareIdOwners.get(id);
  if (owners?.length === 1 && owners[0]) return { provider: owners[0], model: id };
  if (owners && owners.length > 1) {
    throw new AppError(
      400,
      'invalid_request',
      `The model "${id}" exists at several providers: write it as ${owners.map((owner) => `${owner}/${id}`).join(' or ')}.`,
      {
        details: { param: 'model' },
      },
    );
  }
  throw new AppError(
    400,
    slash > 0 ? 'unknown_provider' : 'invalid_request',
    slash > 0
      ? `Unknown provider "${id.slice(0, slash).slice(0, 40)}" in model "${id.slice(0, 120)}". Model ids are <provider>/<model>.`
      : `Unknown model "${id.slice(0, 120)}". Model ids are <provider>/<model>, for example openai/gpt-4o-mini.`,
    { details: { param: 'model' } },
  );
}
