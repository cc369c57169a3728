// Every route Fastify registers, read from an onRoute hook on each instance `fastify()` makes. Use
// from a test file, before anything builds an app:
//   const routes = vi.hoisted(() => [] as LoggedRoute[]);
//   vi.mock('fastify', async (original) => (await import('./helpers/route-log.ts')).withRouteLog(original, routes));
import type { FastifyInstance } from 'fastify';

export interface LoggedRoute {
  method: string;
  url: string;
}

export async function withRouteLog(importOriginal: () => Promise<unknown>, routes: LoggedRoute[]) {
  const actual = (await importOriginal()) as typeof import('fastify');
  const fastify = actual.default as unknown as (options?: unknown) => FastifyInstance;
  const logged = ((options?: unknown) => {
    const app = fastify(options);
    app.addHook('onRoute', (route) => {
      for (const method of Array.isArray(route.method) ? route.method : [route.method])
        routes.push({ method, url: route.url });
    });
    return app;
  }) as unknown as typeof actual.default;
  return { ...actual, default: logged };
}
