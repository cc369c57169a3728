// The alerts module as app.alerts: any module raises an alert through it (the metering's budget
// thresholds, the pipeline's refused global keys, billing's failed payments), and it is delivered
// in the app, by e-mail and to the admins' webhooks. Registered after the database, before the
// modules that raise.
import fastifyPlugin from 'fastify-plugin';
import { type AlertStore, createAlertStore } from './alert-store.ts';

declare module 'fastify' {
  interface FastifyInstance {
    alerts: AlertStore;
  }
}

export const alertsPlugin = fastifyPlugin(
  async (app) => {
    const store = createAlertStore(app.database.db);
    store.onRaised(async (_scope, raised) => {
      app.metrics.alertsRaised.inc({ kind: raised.kind });
    });
    app.decorate('alerts', store);
  },
  { name: 'webox-alerts', dependencies: ['webox-database', 'webox-metrics'] },
);
