// The metrics module as app.metrics: every module records into the instruments of metrics.ts. The
// /metrics route that serves them (only with WEBOX_METRICS_TOKEN) is registered with the routes.
// Registered first among the modules: the ledger, admission and alerts record from the start.
import fastifyPlugin from 'fastify-plugin';
import { createMetrics, type Metrics } from './metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export const metricsPlugin = fastifyPlugin(
  async (app) => {
    app.decorate('metrics', createMetrics());
  },
  { name: 'webox-metrics' },
);
