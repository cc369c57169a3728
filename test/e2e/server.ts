// The real WeBox server for browser tests: buildApp on a fresh embedded database in a temporary
// folder, listening on a free port, with every provider pointed at the fake upstreams.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type App, buildApp } from '../../src/server/app.ts';
import { parseConfig } from '../../src/server/config.ts';
import { type FakeUpstreams, startFakeUpstreams } from '../fakes/index.ts';
import { freePort } from '../helpers/server-process.ts';

export interface E2eServer {
  app: App;
  baseUrl: string;
  fakes: FakeUpstreams;
  close(): Promise<void>;
}

/**
 * `env` adds settings (e.g. the fake Stripe's) on top of the fakes' and the server's own; `port`
 * is for a test that must know the address before the server starts (an identity provider's
 * registered redirect URI).
 */
export async function startE2eServer(
  options: { env?: Record<string, string>; port?: number } = {},
): Promise<E2eServer> {
  const fakes = await startFakeUpstreams();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'webox-e2e-'));
  const port = options.port ?? (await freePort());
  // The browser uses this exact origin: better-auth checks it.
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = parseConfig({
    ...fakes.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    WEBOX_DATA_DIR: dataDir,
    WEBOX_PUBLIC_URL: baseUrl,
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  const app = await buildApp(config);
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    baseUrl,
    fakes,
    async close() {
      await app.close();
      await fakes.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
