// Issue 11: route auth is the scope's, not each route's. This walks every route Fastify registers
// (an onRoute hook on the app buildApp makes) and holds each to its guard: every /api route
// outside the public list refuses an anonymous caller with 401, every /api/admin route refuses a
// plain user with 403, and every /v1 route refuses a caller without a token in OpenAI's shape. A
// route added later without a guard fails here.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signUp } from './helpers/client.ts';
import type { LoggedRoute } from './helpers/route-log.ts';

const routes = vi.hoisted(() => [] as LoggedRoute[]);
vi.mock('fastify', async (original) => (await import('./helpers/route-log.ts')).withRouteLog(original, routes));

/**
 * /api routes anyone may call: sign-in and sign-up (better-auth), the server's name, the API's
 * OpenAPI document and the page that shows it, whether single sign-on is on (the sign-in page's
 * button), and Stripe's webhook (its signature is its guard:
 * billing-webhooks.test.ts), and an invitation's two routes (its link is the credential).
 */
const PUBLIC_API = [
  '/api/auth/*',
  '/api/info',
  '/api/sso',
  '/api/openapi.json',
  '/api/docs',
  '/api/billing/webhook',
  // The invitation link is its own credential (invitations.test.ts).
  '/api/invitations/:token',
  '/api/invitations/:token/accept',
];
/** The documentation page's own files (Swagger UI's scripts, styles, and the document it reads). */
const isDocsPageFile = (url: string) => url.startsWith('/api/docs/');

let test: TestApp;
let user: Client;

beforeAll(async () => {
  routes.length = 0;
  test = await createTestApp();
  await signUp(test.app); // the first account is the admin
  user = await signUp(test.app);
});

afterAll(async () => {
  await test?.close();
});

/** A concrete URL for a route's pattern (the guard answers before any parameter is read). */
const concrete = (url: string) =>
  url.replace(':id', '00000000-0000-4000-8000-000000000000').replace(':provider', 'openai').replace('*', 'anything');

const routesUnder = (prefix: string) =>
  routes.filter((route) => route.url.startsWith(prefix) && route.method !== 'HEAD' && route.method !== 'OPTIONS');

const call = (client: Client, route: { method: string; url: string }) =>
  client.request({ method: route.method as 'GET', url: concrete(route.url) });

describe('every route has a guard', () => {
  it('sees the whole route table, the public list included', () => {
    const api = routesUnder('/api/');
    // Sanity: the table was read (30 guarded routes and more), and the public list is not stale.
    expect(api.length).toBeGreaterThan(30);
    for (const url of PUBLIC_API) expect(api.map((route) => route.url)).toContain(url);
  });

  it('every /api route outside the public list refuses an anonymous caller with 401', async () => {
    const guarded = routesUnder('/api/').filter(
      (route) => !PUBLIC_API.includes(route.url) && !isDocsPageFile(route.url),
    );
    for (const route of guarded) {
      const response = await call(anonymous(test.app), route);
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json(), `${route.method} ${route.url}`).toEqual({
        error: { code: 'unauthenticated', message: expect.any(String) },
      });
    }
  });

  it('every /api/admin route refuses a signed-in user who is not an admin with 403', async () => {
    const admin = routesUnder('/api/admin/');
    expect(admin.length).toBeGreaterThan(10);
    for (const route of admin) {
      const response = await call(user, route);
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(response.json().error.code, `${route.method} ${route.url}`).toBe('forbidden');
    }
  });

  it("every /v1 route refuses a caller without a token, or with a wrong one, in OpenAI's shape", async () => {
    const gateway = routesUnder('/v1/');
    expect(gateway.map((route) => route.url).sort()).toEqual(['/v1/chat/completions', '/v1/models']);
    for (const route of gateway) {
      const missing = await call(anonymous(test.app), route);
      expect(missing.statusCode, route.url).toBe(401);
      expect(missing.json(), route.url).toEqual({
        error: { message: expect.any(String), type: 'authentication_error', code: 'unauthenticated', param: null },
      });
      const wrong = await anonymous(test.app).request({
        method: route.method as 'GET',
        url: route.url,
        headers: { authorization: 'Bearer wbx_not-a-token' },
      });
      expect(wrong.statusCode, route.url).toBe(401);
      expect(wrong.json().error, route.url).toMatchObject({ code: 'invalid_token', type: 'authentication_error' });
    }
  });
});
