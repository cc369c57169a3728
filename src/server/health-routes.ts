// Liveness and readiness for load balancers and orchestrators; no authentication.
import type { FastifyPluginAsync } from 'fastify';

/** /readyz answers within about this long, however the database behaves. */
export const READINESS_TIMEOUT_MS = 1_500;

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    // Stopping: the load balancer must send elsewhere, whatever the database says.
    if (app.drain.draining) return reply.status(503).send({ status: 'unavailable' });
    try {
      await app.database.ping(READINESS_TIMEOUT_MS);
      return { status: 'ok' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.status(503).send({ status: 'unavailable' });
    }
  });
};
