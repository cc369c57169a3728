// The groups module as app.groups: groups, their members and admins, and what a group sets on the
// global keys, for the completion gates (budgets), the model policy (modelsOf) and the admin pages.
import fastifyPlugin from 'fastify-plugin';
import { createGroupService, type GroupService } from './group-service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    groups: GroupService;
  }
}

export const groupsPlugin = fastifyPlugin(
  async (app) => {
    app.decorate(
      'groups',
      createGroupService({
        db: app.database.db,
        bus: app.bus,
        userExists: (id) => app.users.exists(id),
        audit: app.audit,
      }),
    );
  },
  { name: 'webox-groups', dependencies: ['webox-database', 'webox-audit', 'webox-users'] },
);
