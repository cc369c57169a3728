// The provider catalogue as the API answers it (GET /api/providers), shared by the server's route
// schema and the web app's types.
import { z } from 'zod';
import { modelDescription, priceTier } from './models.ts';

export const providerModel = z.object({
  id: z.string(),
  name: z.string(),
  description: modelDescription.optional().describe('Every catalogue model has one.'),
  tier: priceTier
    .optional()
    .describe('From the output price per million tokens: economy ≤ 1 $, standard ≤ 5 $, premium.'),
});

export const providerInfo = z
  .object({
    id: z.string().describe('The provider id used in paths and model ids (`openai`, `anthropic`, …).'),
    name: z.string(),
    keyHint: z.string().describe("What the provider's API keys look like, in words."),
    models: z
      .array(providerModel)
      .describe(
        "The catalogue models you may use with this provider: all of them on a personal key; on the global key (or none), those the operator offers and your group allows (a plan's list is not applied here: the picker marks it). Other model ids of the provider are accepted on a personal key.",
      ),
  })
  .meta({ id: 'Provider', description: 'A provider and its model catalogue.' });

export const providerList = z
  .object({
    providers: z.array(providerInfo),
    defaultModel: z
      .string()
      .nullable()
      .optional()
      .describe(
        "Where a new chat starts (`provider/model`): the operator's default model if it would run for you now, else the cheapest catalogue model that would; null: none.",
      ),
  })
  .describe('Every provider WeBox speaks to.');

export type ProviderModel = z.infer<typeof providerModel>;
export type ProviderInfo = z.infer<typeof providerInfo>;
