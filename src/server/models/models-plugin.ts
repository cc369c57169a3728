// The models module as app.models: the operator's offer on the global keys (cached, invalidated
// across instances) and the one decision of what a user may use there (model-access.ts).
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { createModelAccess, type GroupModels, type ModelAccess } from './model-access.ts';
import { createModelSettingsStore, type ModelSettingsStore } from './model-settings-store.ts';

export interface Models {
  store: ModelSettingsStore;
  access: ModelAccess;
}

declare module 'fastify' {
  interface FastifyInstance {
    models: Models;
  }
}

/**
 * The groups module's models of a user, when the app has that module: `app.groups` with a
 * `modelsOf`. Looked up at each use, as the groups module may be registered after this one (and
 * tests stand a stub in for it).
 */
export function groupModelsOf(app: FastifyInstance): GroupModels | undefined {
  const candidate = (app as unknown as { groups?: Partial<GroupModels> }).groups;
  return typeof candidate?.modelsOf === 'function' ? (candidate as GroupModels) : undefined;
}

export const modelsPlugin = fastifyPlugin(
  async (app) => {
    const store = createModelSettingsStore(app.database.db);
    const access = createModelAccess({ store, bus: app.bus, groups: () => groupModelsOf(app) });
    await access.ready();
    app.decorate('models', { store, access });
  },
  { name: 'webox-models', dependencies: ['webox-database'] },
);
