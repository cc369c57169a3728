// The OpenAPI document: the repository's copy is what the code generates, every route Fastify
// registers is in it with who may call it and what it answers, and it is served, open to anyone,
// at /api/openapi.json and as a page at /api/docs with the headers every page gets.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALLOWED_AUTH_ENDPOINTS } from '../src/server/auth/auth-paths.ts';
import { generateOpenApiDocument, OPENAPI_FILE } from '../src/server/openapi/document-file.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous } from './helpers/client.ts';
import type { LoggedRoute } from './helpers/route-log.ts';

const routes = vi.hoisted(() => [] as LoggedRoute[]);
vi.mock('fastify', async (original) => (await import('./helpers/route-log.ts')).withRouteLog(original, routes));

interface Operation {
  tags?: string[];
  summary?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { description?: string; $ref?: string }>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

/**
 * Routes that are not in the document, and why: Fastify's HEAD twins of GET routes; better-auth's
 * catch-all, described endpoint by endpoint instead; the web app's pages (not API); the files of
 * the documentation page itself.
 */
const notDocumented = (route: LoggedRoute) =>
  route.method === 'HEAD' || route.url === '/api/auth/*' || route.url === '/*' || route.url.startsWith('/api/docs/');

/** Fastify's `/api/keys/:provider` as OpenAPI writes it, `/api/keys/{provider}`. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

let test: TestApp;
let document: Document;

beforeAll(async () => {
  routes.length = 0;
  test = await createTestApp();
  const response = await anonymous(test.app).get('/api/openapi.json');
  expect(response.statusCode).toBe(200);
  document = response.json();
});

afterAll(async () => {
  await test?.close();
});

const operations = () =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );

describe('the OpenAPI document', () => {
  it('is what docs/openapi.json holds (run `npm run openapi` after changing a route or a schema)', async () => {
    const generated = await generateOpenApiDocument();
    expect(JSON.parse(generated)).toEqual(document);
    expect(await readFile(OPENAPI_FILE, 'utf8')).toBe(generated);
  });

  it('holds every route Fastify registers, but for the few kept out on purpose', () => {
    const documented = routes.filter((route) => !notDocumented(route));
    // Sanity: the table was read, and the exceptions did not swallow it.
    expect(documented.length).toBeGreaterThan(30);
    for (const route of documented) {
      expect(
        document.paths[openApiPath(route.url)]?.[route.method.toLowerCase()],
        `${route.method} ${route.url}`,
      ).toBeDefined();
    }
  });

  it('describes each better-auth endpoint WeBox serves, and no other', () => {
    const described = Object.keys(document.paths).filter((path) => path.startsWith('/api/auth/'));
    expect(described.sort()).toEqual(ALLOWED_AUTH_ENDPOINTS.map(({ path }) => `/api/auth${path}`).sort());
    for (const { method, path } of ALLOWED_AUTH_ENDPOINTS) {
      const operation = document.paths[`/api/auth${path}`]?.[method.toLowerCase()];
      expect(operation?.responses[200], path).toBeDefined();
      expect(operation?.security, path).toBeUndefined();
    }
  });

  it('says who may call each operation, as the route scopes decide', () => {
    // Stripe's webhook has no session: the body's signature is its credential. /api/sso is the sign-in page's.
    const open = [
      '/healthz',
      '/readyz',
      '/',
      '/api/info',
      '/api/sso',
      '/api/openapi.json',
      '/api/docs',
      '/api/billing/webhook',
      '/api/invitations/{token}',
      '/api/invitations/{token}/accept',
    ];
    for (const { path, method, operation } of operations()) {
      const where = `${method} ${path}`;
      if (path.startsWith('/api/auth/') || open.includes(path)) expect(operation.security, where).toBeUndefined();
      else if (path.startsWith('/v1/')) expect(operation.security, where).toEqual([{ accessToken: [] }]);
      else if (path.startsWith('/api/admin/')) expect(operation.security, where).toEqual([{ session: ['admin'] }]);
      else expect(operation.security, where).toEqual([{ session: [] }]);
    }
  });

  it('gives every operation a tag, a summary, a described answer and its errors', () => {
    for (const { path, method, operation } of operations()) {
      const where = `${method} ${path}`;
      expect(operation.tags?.length, where).toBe(1);
      expect(operation.summary, where).toBeTruthy();
      const answers = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      expect(answers.length, where).toBeGreaterThan(0);
      for (const [status, answer] of answers) {
        expect(answer.description, `${where} ${status}`).toBeTruthy();
        expect(answer.description, `${where} ${status}`).not.toBe('Default Response');
      }
      if (!path.startsWith('/api/auth/')) {
        expect(operation.responses.default?.$ref, where).toBe(
          path.startsWith('/v1/') ? '#/components/responses/GatewayError' : '#/components/responses/Error',
        );
      }
      if (operation.security) expect(operation.responses[401], where).toBeDefined();
    }
  });

  it('lists the error codes, the usage report and its CSV columns', () => {
    const text = JSON.stringify(document);
    for (const code of ['no_api_key', 'provider_rejected_key', 'quota_exceeded', 'invalid_origin', 'last_admin']) {
      expect(text).toContain(`\`${code}\``);
    }
    const usage = document.paths['/api/admin/usage']?.get?.responses[200];
    expect(usage?.description).toContain('`globalCostMicrousd`');
    expect(JSON.stringify(usage)).toContain('text/csv');
  });
});

describe('served to anyone', () => {
  it('as JSON at /api/openapi.json, with the headers every answer carries', async () => {
    const response = await anonymous(test.app).get('/api/openapi.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.json()).toMatchObject({ openapi: '3.1.0', info: { title: 'WeBox' } });
  });

  it("as a page at /api/docs, under the web app's content security policy, its scripts from this server", async () => {
    for (const url of ['/api/docs', '/api/docs/']) {
      const page = await anonymous(test.app).get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type'], url).toContain('text/html');
      expect(page.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(page.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      expect(page.headers['x-frame-options'], url).toBe('DENY');
      expect(page.headers['x-content-type-options'], url).toBe('nosniff');
      expect(page.body, url).not.toMatch(/https?:\/\//);
    }
    const script = await anonymous(test.app).get('/api/docs/static/swagger-ui-bundle.js');
    expect(script.statusCode).toBe(200);
    const read = await anonymous(test.app).get('/api/docs/json');
    expect(read.json()).toEqual(document);
  });
});
