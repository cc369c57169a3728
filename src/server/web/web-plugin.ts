// Serves the built web app (dist/web, made by `vite build`) as a single-page app: files by path,
// and index.html for any other GET that is not an API path, so that /profile or /c/<id> open the
// app. /api/* and /v1/* never fall back to the app: unknown ones keep the JSON 404.
// When the app has not been built (tests, a bare checkout), `/` keeps answering {name, version}.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { z } from 'zod';
import packageJson from '../../../package.json' with { type: 'json' };
import { serverInfo } from '../../shared/server-status.ts';
import { PAGE_HEADERS } from '../http-hardening.ts';

/** Where `vite build` writes the app (vite.config.ts). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../dist/web', import.meta.url));

const API_PREFIXES = ['/api/', '/v1/'];
const API_PATHS = new Set(['/api', '/v1', '/metrics', '/healthz', '/readyz']);

const tags = ['Server'];

const rootSchema = {
  tags,
  summary: 'The web app',
  description: 'Its other pages are every GET outside /api and /v1 (`/profile`, `/c/{id}`, …): the same HTML.',
  response: { 200: serverInfo },
  docs: {
    responses: {
      200: {
        description: 'The web app (HTML); before it is built (`npm run build`), the name and version as JSON.',
        content: { 'text/html': z.string() },
      },
    },
  },
};

/**
 * Whether a path names the API under any spelling: a client or proxy may read `\` as `/`, fold
 * `//` and `.` segments, or ignore case, so `/API\auth//x` is an API path too and never the app.
 */
function isApiPath(urlPath: string) {
  const canonical = path.posix.normalize(urlPath.replaceAll('\\', '/')).toLowerCase();
  return API_PATHS.has(canonical) || API_PREFIXES.some((prefix) => canonical.startsWith(prefix));
}

async function isFile(file: string) {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

export interface WebPluginOptions {
  /** The built app's folder. Default: dist/web beside the package. */
  root?: string;
}

export const webPlugin = fastifyPlugin<WebPluginOptions>(
  async (app, options) => {
    const root = path.resolve(options.root ?? DEFAULT_WEB_ROOT);
    const info = {
      name: 'WeBox' as const,
      version: packageJson.version,
      publicOrigin: new URL(app.config.publicUrl).origin,
    };
    const indexFile = path.join(root, 'index.html');

    // Always there, built or not: scripts that want the version need not parse HTML.
    app.get(
      '/api/info',
      { schema: { tags, summary: 'Name, version and public address', response: { 200: serverInfo } } },
      async () => info,
    );

    // Only reply.sendFile; the routes below decide what is served.
    await app.register(fastifyStatic, { root, serve: false });

    const sendIndex = (reply: FastifyReply) =>
      reply
        .headers(PAGE_HEADERS)
        .header('x-content-type-options', 'nosniff')
        // The index names the hashed bundles of the current build: never cache it.
        .header('cache-control', 'no-cache')
        .sendFile('index.html', { cacheControl: false });

    app.get('/', { schema: rootSchema }, async (_request, reply) => {
      if (!(await isFile(indexFile))) return info;
      return sendIndex(reply);
    });

    // The app's own pages and files: not API, so not in the OpenAPI document.
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      let urlPath: string;
      try {
        urlPath = decodeURIComponent(request.url.split('?')[0] ?? '/');
      } catch {
        return reply.callNotFound();
      }
      if (isApiPath(urlPath)) return reply.callNotFound();
      const relative = path.normalize(urlPath).replace(/^([/\\])+/, '');
      const file = path.join(root, relative);
      // A path that climbs out of the root is not ours to serve.
      if (!file.startsWith(root + path.sep)) return reply.callNotFound();
      if (await isFile(file)) {
        reply.header('x-content-type-options', 'nosniff');
        // Vite names bundles after their content: they can be cached for good.
        if (relative.startsWith(`assets${path.sep}`)) {
          return reply.sendFile(relative, { maxAge: '365d', immutable: true });
        }
        return reply.sendFile(relative, { maxAge: '1h' });
      }
      // A missing asset is a 404, not the app (a stale tab asking for an old bundle).
      if (relative.startsWith(`assets${path.sep}`) || !(await isFile(indexFile))) return reply.callNotFound();
      return sendIndex(reply);
    });
  },
  { name: 'webox-web' },
);
