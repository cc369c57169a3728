// Who may call a route is decided by the scope it is registered in, never by the route itself:
// the guard is the scope's onRequest hook (before the body is even parsed), so a route added to a
// scope cannot forget it. test/security-route-guards.test.ts walks the route table to hold every
// /api route outside the public list to one of these scopes. The same scope writes its rule on
// each of its routes for the OpenAPI document (openapi/security.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ADMIN, documentSecurity, SIGNED_IN } from '../openapi/security.ts';

/** Routes any signed-in user may call: 401 `unauthenticated` otherwise. */
export const userScope =
  (routes: FastifyPluginAsyncZod): FastifyPluginAsyncZod =>
  async (scope) => {
    scope.addHook('onRequest', scope.requireUser);
    documentSecurity(scope, SIGNED_IN);
    await scope.register(routes);
  };

/** Routes only admins may call: 401 `unauthenticated` for anonymous callers, 403 `forbidden` for users. */
export const adminScope =
  (routes: FastifyPluginAsyncZod): FastifyPluginAsyncZod =>
  async (scope) => {
    scope.addHook('onRequest', scope.requireAdmin);
    documentSecurity(scope, ADMIN);
    await scope.register(routes);
  };
