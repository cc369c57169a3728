// GET /api/providers: the registry as the UI and scripts see it, with the models the caller may
// use on each provider: all of them on a personal key; on the global key (or none yet), those the
// operator offers and the caller's group allows (models/model-access.ts). The plan's list is not
// applied here: the chat marks it, with the way to a plan that has the model.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { priceTierOf } from '../../shared/models.ts';
import { providerList } from '../../shared/providers.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { userScope } from '../auth/route-scopes.ts';
import { providers } from './registry.ts';

const catalogue = providers.map((provider) => ({
  id: provider.id,
  name: provider.name,
  keyHint: provider.keyFormat.hint,
  models: provider.models.map((model) => ({
    id: model.id,
    name: model.name,
    description: model.description,
    tier: priceTierOf(model.pricing.outputMicrousdPerMtok),
  })),
}));

export const providerRoutes: FastifyPluginAsyncZod = userScope(async (app) => {
  app.get(
    '/api/providers',
    {
      schema: {
        tags: ['Providers'],
        summary: 'Providers and their models',
        description:
          "What the model picker shows, and what a key of each provider looks like. Each provider lists the catalogue models you may use with it: all of them on your personal key; on the global key, those the operator offers and your group allows. `defaultModel` is where a new chat starts: the operator's default if it would run for you now (your plan included), else the cheapest catalogue model that would; null: none.",
        response: { 200: providerList },
      },
    },
    async (request) => {
      const userId = currentUser(request).id;
      const { access } = app.models;
      const [billing, ...sources] = await Promise.all([
        app.billing.access.decide(userId),
        ...providers.map((provider) => app.vault.getApiKeySource(userId, provider.id)),
      ]);
      const usable = await access.rulesFor(userId, billing);
      // The lists are tried offer, group, plan: a model only the plan leaves out is shown (marked).
      const shown = (id: string) => {
        const restriction = usable.restriction(id);
        return restriction === null || restriction === 'plan';
      };
      const listed = catalogue.map((provider, index) =>
        sources[index] === 'personal'
          ? provider
          : { ...provider, models: provider.models.filter((model) => shown(`${provider.id}/${model.id}`)) },
      );
      const sourceOf = new Map(providers.map((provider, index) => [provider.id as string, sources[index]]));
      // What would run now: on a personal key anything, on the global key what the rules allow.
      const runs = (id: string) => {
        const source = sourceOf.get(id.slice(0, id.indexOf('/')));
        return source === 'personal' || (source === 'global' && usable.allows(id));
      };
      return { providers: listed, defaultModel: access.defaultFor(runs) };
    },
  );
});
