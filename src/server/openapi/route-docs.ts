// How a route's schema becomes its operation in the OpenAPI document. The zod schemas Fastify runs
// (params, query, body, the answers it serialises) are converted by fastify-type-provider-zod's
// transform; `docs` adds what is described but never run: a body the route reads itself, answers
// written past the serialiser (event streams, pass-through completions, CSV).
import type { FastifySchema } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';

export interface DocumentedAnswer {
  description: string;
  /** Media type → the schema of what is written (for an event stream: one `data:` line's JSON). */
  content: Record<string, z.ZodType>;
}

export interface RouteDocs {
  /** A body the route reads itself: described, never validated by Fastify. */
  body?: z.ZodType;
  /** Answers not serialised through a schema; a status's serialised JSON answer is kept beside them. */
  responses?: Record<number, DocumentedAnswer>;
}

declare module 'fastify' {
  interface FastifySchema {
    /** Only for the OpenAPI document: Fastify neither validates nor serialises with it (route-docs.ts). */
    docs?: RouteDocs;
  }
}

/** A 204's schema: no body, so nothing is ever serialised; the document shows no content. */
export const noContent = z.undefined();

/** What an answer is when its schema does not say. */
const STATUS_DESCRIPTIONS: Record<string, string> = { 200: 'OK', 201: 'Created', 204: 'No content' };

const describe = (schema: unknown, status: string) =>
  (schema instanceof z.ZodType ? z.globalRegistry.get(schema)?.description : undefined) ??
  STATUS_DESCRIPTIONS[status] ??
  `Status ${status}`;

type Transform = typeof jsonSchemaTransform;

/**
 * The swagger transform: folds `docs` into the schema and converts it. Every answer goes in with
 * its media type and a description (a registered schema converts to a bare `$ref`, from which
 * @fastify/swagger cannot read one); a 204 has no content.
 */
export const transformRoute: Transform = (document) => {
  const { docs, ...schema } = (document.schema ?? {}) as FastifySchema;
  const served = (schema.response ?? {}) as Record<string, z.ZodType>;
  const documented: Record<string, DocumentedAnswer> = { ...docs?.responses };
  const response: Record<string, unknown> = {};
  for (const status of new Set([...Object.keys(served), ...Object.keys(documented)])) {
    const json = served[status];
    const extra = documented[status];
    if (json === noContent) {
      response[status] = json;
      continue;
    }
    const content = { ...(json ? { 'application/json': json } : {}), ...extra?.content };
    response[status] = {
      description: extra?.description ?? describe(json, status),
      content: Object.fromEntries(Object.entries(content).map(([type, media]) => [type, { schema: media }])),
    };
  }
  const merged = {
    ...schema,
    ...(docs?.body ? { body: docs.body } : {}),
    ...(Object.keys(response).length > 0 ? { response } : {}),
  };
  const result = jsonSchemaTransform({ ...document, schema: merged });
  // A 204 converts to `{type: 'null'}`, which @fastify/swagger shows without content.
  const converted = result.schema.response as Record<string, Record<string, unknown>> | undefined;
  for (const [status, json] of Object.entries(served)) {
    const answer = converted?.[status];
    if (json === noContent && answer) answer['x-response-description'] = describe(undefined, status);
  }
  return result;
};
