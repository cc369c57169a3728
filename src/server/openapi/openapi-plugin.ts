// The OpenAPI 3.1 document of every route, generated from the route schemas (@fastify/swagger with
// fastify-type-provider-zod's transform), served as JSON at /api/openapi.json and as a page to read
// at /api/docs (Swagger UI, from this server: no CDN). Both are open to anyone, like /api/info,
// and get what every answer gets (security headers; GETs, so no Origin check applies); the page
// carries the web app's content security policy too. Nothing here runs per request on other
// routes: @fastify/swagger only listens to route registrations, and builds the document on first
// use.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyPlugin from 'fastify-plugin';
import { z } from 'zod';
import { PAGE_HEADERS } from '../http-hardening.ts';
import { DOCS_PAGE_PATH, OPENAPI_JSON_PATH, swaggerOptions } from './document.ts';

const openApiDocument = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

export const openapiPlugin = fastifyPlugin<{ version: string }>(
  async (app, { version }) => {
    await app.register(fastifySwagger, swaggerOptions(version));

    app.get(
      OPENAPI_JSON_PATH,
      {
        schema: {
          tags: ['Server'],
          summary: 'This document',
          description: `OpenAPI 3.1, as JSON. ${DOCS_PAGE_PATH} shows it as a page; docs/openapi.json in the repository holds the same.`,
          docs: {
            responses: { 200: { description: 'The document.', content: { 'application/json': openApiDocument } } },
          },
        },
      },
      async () => app.swagger(),
    );

    await app.register(fastifySwaggerUi, {
      routePrefix: DOCS_PAGE_PATH,
      uiConfig: { deepLinking: true, tryItOutEnabled: false },
      uiHooks: {
        onRequest: (_request, reply, done) => {
          reply.headers(PAGE_HEADERS);
          done();
        },
      },
    });
  },
  { name: 'webox-openapi' },
);
