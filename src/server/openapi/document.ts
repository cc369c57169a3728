// The OpenAPI 3.1 document's frame: what it says about WeBox as a whole (auth, errors, tags), the
// better-auth endpoints written by hand, and the last pass over the generated document that gives
// every operation its error answers and keeps only the component schemas it uses.
import type { SwaggerOptions, SwaggerTransformObject } from '@fastify/swagger';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { errorBody, openAiErrorBody } from '../../shared/api-errors.ts';
import { ROUTES_CHECKED_ELSEWHERE } from '../http-hardening.ts';
import { authPaths } from './auth-endpoints.ts';
import { componentRef, reachableSchemas } from './components.ts';
import { errorCodeTable } from './error-codes.ts';
import { transformRoute } from './route-docs.ts';
import { ACCESS_TOKEN_SCHEME, SESSION_SCHEME, securitySchemes } from './security.ts';

export const OPENAPI_JSON_PATH = '/api/openapi.json';
export const DOCS_PAGE_PATH = '/api/docs';

const TAGS = [
  { name: 'Accounts', description: "Sign-up, sign-in and sessions (better-auth), who am I, and the admin's accounts." },
  { name: 'Keys', description: "Provider API keys: each user's personal keys, the operator's global keys, rotation." },
  { name: 'Providers', description: 'The providers and their model catalogue.' },
  { name: 'Chat', description: 'One completion from the web chat, streamed or not.' },
  { name: 'Conversations', description: "The web chat's saved conversations." },
  { name: 'Tokens', description: 'Personal access tokens for the OpenAI-compatible API.' },
  { name: 'Usage', description: 'Usage statistics, the CSV export and the price list.' },
  { name: 'Limits', description: 'Budgets and rate limits.' },
  { name: 'Settings', description: 'How money and days are shown: the display currency, its rate, the time zone.' },
  { name: 'Billing', description: "Plans, grants, the access policy of the global keys, and each user's billing." },
  { name: 'OpenAI-compatible', description: "OpenAI's API for scripts and tools: `baseURL` `http://<host>/v1`." },
  { name: 'First run', description: "The admins' first-run checklist and what it reads." },
  { name: 'Server', description: 'Probes, version, the public address and this document.' },
];

const DESCRIPTION = `A self-hostable AI platform: one API in front of several model providers, on personal keys
(each user's own) or global keys (the operator's), with budgets, rate limits and usage metering.

**Who may call what.** Each operation's \`security\` says it: the session cookie (\`session\`), the
session of an admin (\`session\` with the role \`admin\`), or an access token (\`accessToken\`, /v1 only).
Operations without one are open.

**Errors.** Everywhere but /api/auth/* and /v1 an error is its status and
\`{"error": {"code": "snake_case", "message": "English sentence"}}\`, with extra fields for some codes.
/api/auth/* answers better-auth's \`{code, message}\`; /v1 answers OpenAI's
\`{"error": {message, type, code, param}}\` with WeBox's code as \`code\`. Another user's resource answers
404, never 403. The codes:

${errorCodeTable()}`;

const RESPONSES = '#/components/responses/';

const errorResponse = (description: string, schema: typeof errorBody | typeof openAiErrorBody) => ({
  description,
  content: { 'application/json': { schema: componentRef(schema) } },
});

const errorResponses = {
  Unauthenticated: errorResponse('Not signed in (`unauthenticated`).', errorBody),
  Forbidden: errorResponse(
    '`forbidden`: not an admin; or `invalid_origin`: a change sent from another site.',
    errorBody,
  ),
  InvalidOrigin: errorResponse('`invalid_origin`: a change sent from another site than WEBOX_PUBLIC_URL.', errorBody),
  Error: errorResponse('An error: the code says which (see the list above).', errorBody),
  GatewayUnauthenticated: errorResponse(
    'No access token (`unauthenticated`), or one invalid, expired or revoked (`invalid_token`).',
    openAiErrorBody,
  ),
  GatewayError: errorResponse("An error, in OpenAI's shape, with WeBox's code.", openAiErrorBody),
};

const CHANGES = new Set(['post', 'put', 'patch', 'delete']);

type Operation = { security?: Array<Record<string, string[]>>; responses?: Record<string, unknown> };

/** The error answers an operation may give, from who may call it and whether it changes anything. */
function addErrorResponses(path: string, method: string, operation: Operation) {
  if (path.startsWith('/api/auth/')) return;
  const schemes = (operation.security ?? []).flatMap((requirement) => Object.entries(requirement));
  const session = schemes.find(([scheme]) => scheme === SESSION_SCHEME);
  const token = schemes.some(([scheme]) => scheme === ACCESS_TOKEN_SCHEME);
  const errors: Record<string, { $ref: string }> = {};
  if (token) errors[401] = { $ref: `${RESPONSES}GatewayUnauthenticated` };
  if (session) errors[401] = { $ref: `${RESPONSES}Unauthenticated` };
  if (session?.[1].includes('admin')) errors[403] = { $ref: `${RESPONSES}Forbidden` };
  else if (path.startsWith('/api/') && CHANGES.has(method) && !ROUTES_CHECKED_ELSEWHERE.has(path))
    errors[403] = { $ref: `${RESPONSES}InvalidOrigin` };
  errors.default = { $ref: `${RESPONSES}${token ? 'GatewayError' : 'Error'}` };
  operation.responses = { ...operation.responses, ...errors };
}

/**
 * Drops the regular expression zod writes beside `format` (date-time, email): the format says it,
 * and a 300-character pattern repeated on every instant only hides the schema from its reader.
 */
function dropFormatPatterns(value: unknown) {
  if (Array.isArray(value)) {
    for (const item of value) dropFormatPatterns(item);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.format === 'string' && typeof record.pattern === 'string') delete record.pattern;
    for (const item of Object.values(record)) dropFormatPatterns(item);
  }
}

/** The transformObject: component schemas from the zod registry, error answers, only what is used. */
const finishDocument: SwaggerTransformObject = (documentObject) => {
  const document = jsonSchemaTransformObject(documentObject) as {
    paths?: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, unknown> };
  };
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) addErrorResponses(path, method, operation);
  }
  const finished = { ...document, components: { ...document.components, schemas: reachableSchemas(document) } };
  dropFormatPatterns(finished);
  return finished;
};

/** The page is Swagger UI's routes, which keep themselves out of the document. */
const docsPagePath = {
  [DOCS_PAGE_PATH]: {
    get: {
      tags: ['Server'],
      summary: 'This document, as a page',
      description: `Swagger UI, served by WeBox itself; it reads ${DOCS_PAGE_PATH}/json, the same document as ${OPENAPI_JSON_PATH}.`,
      responses: { 200: { description: 'The page.', content: { 'text/html': { schema: { type: 'string' } } } } },
    },
  },
};

/** @fastify/swagger's options. A fresh object each time: the plugin adds the routes to `paths`. */
export function swaggerOptions(version: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'WeBox', version, description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
      tags: TAGS,
      components: { securitySchemes: { ...securitySchemes }, responses: errorResponses },
      paths: { ...authPaths(), ...docsPagePath },
    },
    transform: transformRoute,
    transformObject: finishDocument,
  } as SwaggerOptions;
}
