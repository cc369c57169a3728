// The gateway's error catalogue: access tokens, model ids and the parameters of an OpenAI request.
// /v1 renders them in OpenAI's shape (openai-errors.ts); `param` becomes OpenAI's field.
import { MODEL_ID_RULE } from '../../shared/model-id.ts';
import { AppError } from '../errors.ts';

/** A model id quoted in a message: bounded, since it is the client's text. */
const quoted = (id: string) => id.slice(0, 120);

export const gatewayErrors = {
  missingToken: () =>
    new AppError(
      401,
      'unauthenticated',
      'Send an access token: Authorization: Bearer wbx_… (create one in your profile).',
    ),
  invalidToken: () => new AppError(401, 'invalid_token', 'The access token is invalid, expired or revoked.'),
  expiryInPast: () => new AppError(400, 'invalid_request', 'expiresAt must be in the future.'),
  malformedModelId: () =>
    new AppError(400, 'invalid_request', `The model id is not valid: ${MODEL_ID_RULE}.`, {
      details: { param: 'model' },
    }),
  ambiguousModel: (id: string, owners: readonly string[]) =>
    new AppError(
      400,
      'invalid_request',
      `The model "${id}" exists at several providers: write it as ${owners.map((owner) => `${owner}/${id}`).join(' or ')}.`,
      { details: { param: 'model' } },
    ),
  unknownProviderInModel: (provider: string, id: string) =>
    new AppError(
      400,
      'unknown_provider',
      `Unknown provider "${provider.slice(0, 40)}" in model "${quoted(id)}". Model ids are <provider>/<model>.`,
      { details: { param: 'model' } },
    ),
  unknownModel: (id: string) =>
    new AppError(
      400,
      'invalid_request',
      `Unknown model "${quoted(id)}". Model ids are <provider>/<model>, for example openai/gpt-4o-mini.`,
      { details: { param: 'model' } },
    ),
  unsupportedParameter: (name: string, providerName: string) =>
    new AppError(400, 'invalid_request', `The parameter ${name} is not supported for ${providerName}.`, {
      details: { param: name },
    }),
  /** Both names with different values: the provider would read only its own, maybe not the one held. */
  duplicateParameter: (from: string, to: string) =>
    new AppError(400, 'invalid_request', `${from} and ${to} are two names for one parameter: send one.`, {
      details: { param: to },
    }),
};
