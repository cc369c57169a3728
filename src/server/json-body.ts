// The one JSON body parser: Fastify's own (secure-json-parse, which refuses `__proto__` and
// `constructor.prototype` keys), behind a depth limit. JSON.parse itself copes with any depth, but
// what comes after does not: JSON.stringify (the gateway re-sends bodies, better-auth's proxy too),
// schema validation and logging recurse, and overflow the stack on 100,000 nested arrays (a 500).
import type { FastifyInstance } from 'fastify';
import { httpErrors } from './http-errors.ts';

/** Deepest nesting of arrays and objects a body may have (OpenAI's deepest tool schemas use far less). */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether `text` nests arrays and objects deeper than `limit`. One pass over the raw text, before
 * parsing; strings are skipped with indexOf, so a body of long messages costs next to nothing.
 * Malformed text may answer either way: the parser that runs next refuses it.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  // There cannot be more opening brackets than characters.
  if (text.length <= limit) return false;
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22) {
      // Jump to the closing quote: the next one not escaped by an odd run of backslashes.
      let end = index;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end === -1) return false;
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      index = end;
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > limit) return true;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** Replaces Fastify's JSON parser on the root instance (every route, /v1 and /api/auth included). */
export function installJsonBodyParser(app: FastifyInstance) {
  // Fastify's defaults: a body with __proto__ or constructor.prototype is refused (400).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      done(httpErrors.bodyTooDeep(MAX_JSON_DEPTH), undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
}
