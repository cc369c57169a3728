// The operator's choice of models on the global keys: GET/PUT /api/admin/models.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type ModelSettingsView, modelSettingsBody, modelSettingsView } from '../../shared/models.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope } from '../auth/route-scopes.ts';
import { catalogue, inCatalogue } from './model-catalogue.ts';
import { modelErrors } from './model-errors.ts';
import type { ModelSettings } from './model-settings-store.ts';

const tags = ['Models'];

const RULES =
  'What a user may use on the global keys is the offer ∩ their plan’s models ∩ their group’s models; anything else answers 403 model_not_in_plan there (on /api/chat, conversations and /v1) and is not listed (/v1/models, GET /api/providers). The offer binds admins too (a plan never does). Personal keys reach any model.';

export const modelsRoutes: FastifyPluginAsyncZod = adminScope(async (app) => {
  const { access, store } = app.models;

  const view = (): ModelSettingsView => {
    const { offered, defaultModel } = access.settings();
    return {
      offered: offered ?? 'all',
      defaultModel,
      catalogue: catalogue.map((entry) => ({ ...entry, offered: access.isOffered(entry.id) })),
    };
  };

  app.get(
    '/api/admin/models',
    {
      schema: {
        tags,
        summary: 'The models offered on the global keys',
        description: `\`offered\`: \`all\` (the default) or the \`provider/model\` ids offered; \`defaultModel\`: where new chats start (null: the cheapest offered model); \`catalogue\`: every catalogue model with its list price (micro-dollars per million tokens), its price tier and whether it is offered. ${RULES}`,
        response: { 200: modelSettingsView },
      },
    },
    async () => view(),
  );

  app.put(
    '/api/admin/models',
    {
      schema: {
        tags,
        summary: 'Choose the models offered on the global keys',
        description: `Any subset of \`offered\` (\`all\`, or catalogue \`provider/model\` ids) and \`defaultModel\` (an offered catalogue model, or null); the rest is kept. An id the catalogue does not have, or a default that is not offered, answers 400 invalid_request naming the field, and nothing is stored. A kept default that the new offer leaves out becomes null. Answers the whole object. ${RULES}`,
        body: modelSettingsBody,
        response: { 200: modelSettingsView },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.offered === undefined && body.defaultModel === undefined) return view();
      const current = access.settings();
      const offered =
        body.offered === undefined ? current.offered : body.offered === 'all' ? null : [...new Set(body.offered)];
      const unknown = (offered ?? []).filter((id) => !inCatalogue(id));
      if (unknown.length > 0) throw modelErrors.unknownModels(unknown);
      const isOffered = (id: string) => inCatalogue(id) && (offered === null || offered.includes(id));
      let defaultModel = body.defaultModel === undefined ? current.defaultModel : body.defaultModel;
      if (defaultModel !== null && !isOffered(defaultModel)) {
        if (body.defaultModel !== undefined) throw modelErrors.defaultNotOffered(defaultModel);
        defaultModel = null;
      }
      const next: ModelSettings = { offered, defaultModel };
      await store.write(next, currentUser(request).id);
      await access.changed();
      return view();
    },
  );
});
