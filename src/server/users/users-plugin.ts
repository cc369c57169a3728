// The accounts service as app.users, for the routes of this module and for the modules that need
// to know who a user is (the metering's reports and admin pages): they ask here, never the table.
import fastifyPlugin from 'fastify-plugin';
import { createUserService, type UserService } from './user-service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    users: UserService;
  }
}

export const usersPlugin = fastifyPlugin(
  async (app) => {
    app.decorate(
      'users',
      createUserService({
        db: app.database.db,
        auth: app.auth,
        accountsLock: app.accountsLock,
        bus: app.bus,
        personalProvidersByOwner: () => app.vault.personalProvidersByOwner(),
        audit: app.audit,
      }),
    );
  },
  { name: 'webox-users', dependencies: ['webox-database', 'webox-audit', 'webox-auth', 'webox-vault'] },
);
