// Which catalogue models the operator offers on the global keys, and the default model of new
// chats (GET/PUT /api/admin/models), shared by the server's route schemas and the web app's types.
import { z } from 'zod';
import { isWellFormedModelId } from './model-id.ts';

/**
 * A model's price tier, from its output price per million tokens (what dominates a chat's cost):
 * economy up to 1 $, standard up to 5 $, premium above.
 */
export const priceTier = z.enum(['economy', 'standard', 'premium']);
export type PriceTier = z.infer<typeof priceTier>;

/** Output micro-dollars per million tokens up to which each tier runs (premium: anything above). */
export const TIER_CEILINGS_MICROUSD = { economy: 1_000_000, standard: 5_000_000 } as const;

export function priceTierOf(outputMicrousdPerMtok: number): PriceTier {
  if (outputMicrousdPerMtok <= TIER_CEILINGS_MICROUSD.economy) return 'economy';
  if (outputMicrousdPerMtok <= TIER_CEILINGS_MICROUSD.standard) return 'standard';
  return 'premium';
}

export const modelDescription = z
  .object({ en: z.string(), fr: z.string() })
  .meta({ id: 'ModelDescription', description: 'One line on what the model is good for, in English and French.' });
export type ModelDescription = z.infer<typeof modelDescription>;

export const catalogueModel = z
  .object({
    id: z.string().describe('`provider/model`.'),
    provider: z.string(),
    providerName: z.string(),
    model: z.string().describe("The provider's own model id."),
    name: z.string(),
    description: modelDescription,
    tier: priceTier,
    inputMicrousdPerMtok: z.number().int(),
    outputMicrousdPerMtok: z.number().int(),
    offered: z.boolean().describe('Whether it is offered on the global keys.'),
  })
  .meta({ id: 'CatalogueModel', description: 'A catalogue model, its list price and whether it is offered.' });
export type CatalogueModel = z.infer<typeof catalogueModel>;

export const offeredModels = z
  .union([z.literal('all'), z.array(z.string())])
  .describe('`all` (the default): every catalogue model; else the `provider/model` ids offered.');

export const modelSettingsView = z
  .object({
    offered: offeredModels,
    defaultModel: z
      .string()
      .nullable()
      .describe('The default model of new chats (`provider/model`); null: the cheapest offered one.'),
    catalogue: z.array(catalogueModel),
  })
  .meta({ id: 'ModelSettings', description: 'Which models are offered on the global keys, and the default model.' });
export type ModelSettingsView = z.infer<typeof modelSettingsView>;

/** A `provider/model` id as written (whether the catalogue has it is the route's check). */
const modelIdText = z
  .string()
  .max(260)
  .refine(
    (id) => /^[a-z][a-z0-9-]{0,31}\/./.test(id) && isWellFormedModelId(id.slice(id.indexOf('/') + 1)),
    'must be `provider/model` ids',
  );

export const modelSettingsBody = z
  .object({
    offered: z.union([z.literal('all'), z.array(modelIdText).max(1000)]).optional(),
    defaultModel: modelIdText.nullable().optional(),
  })
  .strict();
export type ModelSettingsBody = z.infer<typeof modelSettingsBody>;
