// The built web app as the server serves it: files by path, index.html for the app's own routes,
// and the JSON 404 kept for API paths. Runs against a stand-in build in a temporary folder.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../src/server/app.ts';
import { parseConfig } from '../src/server/config.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';

let app: App;
let database: TestDatabase;
let webRoot: string;
const INDEX = '<!doctype html><title>WeBox</title><div id="root"></div>';

beforeAll(async () => {
  webRoot = await mkdtemp(path.join(tmpdir(), 'webox-web-'));
  await mkdir(path.join(webRoot, 'assets'));
  await writeFile(path.join(webRoot, 'index.html'), INDEX);
  await writeFile(path.join(webRoot, 'assets', 'index-abc123.js'), 'console.log("app")');
  await writeFile(path.join(webRoot, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  database = await createTestDatabase();
  app = await buildApp(
    parseConfig({
      WEBOX_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl,
      WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
      WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'silent',
    }),
    { webRoot },
  );
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
  await rm(webRoot, { recursive: true, force: true });
});

describe('serving the web app', () => {
  it('answers / and the app routes with index.html, uncached and with a content security policy', async () => {
    for (const url of ['/', '/profile', '/admin/users', '/c/0b6c3c9e-6f1e-4a57-a3a7-6f4b0e0a1b2c?x=1']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toBe(INDEX);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('serves built files, hashed bundles cached for good', async () => {
    const bundle = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.body).toBe('console.log("app")');
    expect(bundle.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/favicon.svg' })).statusCode).toBe(200);
  });

  it('answers 404 for missing bundles, climbing paths and every unknown API path', async () => {
    expect((await app.inject({ method: 'GET', url: '/assets/old-bundle.js' })).statusCode).toBe(404);
    const climbing = await app.inject({ method: 'GET', url: '/..%2f..%2fpackage.json' });
    expect(climbing.body).not.toContain('"dependencies"');
    for (const url of ['/api/unknown', '/api', '/v1/unknown']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
    expect((await app.inject({ method: 'POST', url: '/profile' })).json().error.code).toBe('not_found');
  });

  it('never answers an API path with the app, however it is spelled', async () => {
    for (const url of [
      '/api%5Cauth/get-session',
      '/API/auth/get-session',
      '//api/unknown',
      '/x/../api/auth/x',
      '/V1/models',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.body, url).not.toContain(INDEX);
      expect([400, 401, 404], url).toContain(response.statusCode);
    }
  });

  it('keeps its API routes: health and info are not the app', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/api/info' })).json()).toMatchObject({ name: 'WeBox' });
  });
});
