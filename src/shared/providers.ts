// The provider catalogue as the API answers it (GET /api/providers), shared by the server's route
// schema and the web app's types.
import { z } from 'zod';

export const providerModel = z.object({ id: z.string(), name: z.string() });

export const providerInfo = z
  .object({
    id: z.string().describe('The provider id used in paths and model ids (`openai`, `anthropic`, …).'),
    name: z.string(),
    keyHint: z.string().describe("What the provider's API keys look like, in words."),
    models: z.array(providerModel).describe('The catalogue; other model ids of the provider are accepted too.'),
  })
  .meta({ id: 'Provider', description: 'A provider and its model catalogue.' });

export const providerList = z.object({ providers: z.array(providerInfo) }).describe('Every provider WeBox speaks to.');

export type ProviderModel = z.infer<typeof providerModel>;
export type ProviderInfo = z.infer<typeof providerInfo>;
