// GET /metrics: the registry in Prometheus's text format, only when WEBOX_METRICS_TOKEN is set
// (unset, the route does not exist and the path answers 404 like any other unknown one), and only
// to a caller sending that token as its bearer token. Outside /api: no session, no origin check,
// no per-user rate limit (Prometheus has neither cookie nor account), and not a model call. Kept
// out of the OpenAPI document, which describes the API users call (docs/metrics.md describes it).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { metricsErrors } from './metrics-errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether an Authorization header carries the token: compared as SHA-256 digests in constant time,
 * so neither the token's length nor how much of it a guess got right shows in the time taken.
 */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  // A missing or malformed header is compared too: every refusal costs the same.
  return timingSafeEqual(digest(match?.[1] ?? ''), expected) && match !== null;
}

export const metricsRoutes: FastifyPluginAsyncZod = async (app) => {
  const token = app.config.metricsToken;
  if (!token) return;
  const expected = digest(token);
  const { registry } = app.metrics;

  app.get(
    '/metrics',
    {
      schema: {
        hide: true,
        tags: ['Server'],
        summary: 'Prometheus metrics',
        description: 'The text format, with WEBOX_METRICS_TOKEN as the bearer token (docs/metrics.md).',
      },
    },
    async (request, reply) => {
      if (!bearerMatches(request.headers.authorization, expected)) throw metricsErrors.unauthenticated();
      const text = await registry.metrics();
      return reply.header('cache-control', 'no-store').type(registry.contentType).send(text);
    },
  );
};
