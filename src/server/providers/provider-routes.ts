// GET /api/providers: the registry as the UI and scripts see it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { providerList } from '../../shared/providers.ts';
import { userScope } from '../auth/route-scopes.ts';
import { providers } from './registry.ts';

export function describeProviders() {
  return providers.map((provider) => ({
    id: provider.id,
    name: provider.name,
    keyHint: provider.keyFormat.hint,
    models: provider.models.map((model) => ({ id: model.id, name: model.name })),
  }));
}

export const providerRoutes: FastifyPluginAsyncZod = userScope(async (app) => {
  const body = { providers: describeProviders() };
  app.get(
    '/api/providers',
    {
      schema: {
        tags: ['Providers'],
        summary: 'Providers and their models',
        description: 'What the model picker shows, and what a key of each provider looks like.',
        response: { 200: providerList },
      },
    },
    async () => body,
  );
});
