// The real WeBox server for browser tests: buildApp on a fresh embedded database in a temporary
// folder, listening on a free port, with every provider pointed at the fake upstreams.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type App, buildApp } from '../../src/server/app.ts';
import { parseConfig } from '../../src/server/config.ts';
import { type FakeUpstreams, startFakeUpstreams } from '../fakes/index.ts';
import { freePort } from '../helpers/server-process.ts';
import { launchBrowser } from './browser.ts';

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

/** What a browser test file works with: read them inside its tests (they change per attempt). */
export interface BrowserAndServer {
  readonly browser: Browser;
  readonly server: E2eServer;
}

/**
 * One browser for the file and a fresh server before each test: a retry starts from the first
 * sign-up again (the first account is the admin). Both are closed after the file.
 */
export function browserAndFreshServer(): BrowserAndServer {
  let browser: Browser | undefined;
  let server: E2eServer | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  beforeEach(async () => {
    await server?.close();
    server = await startE2eServer();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(part: T | undefined, name: string): T => {
    if (!part) throw new Error(`the ${name} was not started`);
    return part;
  };
  return {
    get browser() {
      return started(browser, 'browser');
    },
    get server() {
      return started(server, 'server');
    },
  };
}
