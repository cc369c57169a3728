// The models module's refusals. A model the user may not use on the global keys is billing's
// 403 model_not_in_plan (DESIGN §6 "Billing", one code whatever restricts it), whose message and
// `restrictedBy` say which list left it out: the operator's offer, the user's group or plan.
import { AppError, commonErrors } from '../errors.ts';

export type ModelRestriction = 'offer' | 'group' | 'plan';

const SENTENCES: Record<ModelRestriction, (modelId: string) => string> = {
  offer: (modelId) =>
    `${modelId} is not offered on the shared (global) keys of this server. Choose another model, or use a personal key.`,
  group: (modelId) =>
    `Your group does not include ${modelId} on the shared (global) keys. Choose another model, or use a personal key.`,
  plan: (modelId) =>
    `Your plan does not include ${modelId} on the shared (global) keys. Choose a model of your plan, change plans, or use a personal key.`,
};

export const modelErrors = {
  notUsable: (modelId: string, restrictedBy: ModelRestriction, subscribeUrl: string) =>
    new AppError(403, 'model_not_in_plan', SENTENCES[restrictedBy](modelId), {
      details: { reason: 'model_not_in_plan', subscribeUrl, restrictedBy },
    }),
  unknownModels: (ids: readonly string[]) =>
    commonErrors.invalidParameter(
      `offered names models the catalogue does not have: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}.`,
      'offered',
    ),
  defaultNotOffered: (id: string) =>
    commonErrors.invalidParameter(
      `defaultModel must be a catalogue model that is offered on the global keys; ${id} is not.`,
      'defaultModel',
    ),
};
