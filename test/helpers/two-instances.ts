// Two WeBox instances on one PostgreSQL database (PostgreSQL only: PGlite has one process), the
// fake upstreams, and an admin signed up on the first with a global OpenAI key. Made before the
// file's tests and closed after them; read the parts through the returned getter.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { type App, buildApp } from '../../src/server/app.ts';
import { parseConfig } from '../../src/server/config.ts';
import { type FakeUpstreams, startFakeUpstreams } from '../fakes/index.ts';
import { type Client, signUp } from './client.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { makeKey } from './keys.ts';

export interface TwoInstances {
  database: TestDatabase;
  fakes: FakeUpstreams;
  first: App;
  second: App;
  /** Signed up on the first instance; the global OpenAI key is saved. */
  admin: Client;
}

export function twoInstancesOnPostgres(extraEnv: Record<string, string> = {}): () => TwoInstances {
  let parts: TwoInstances | undefined;
  beforeAll(async () => {
    const database = await createTestDatabase();
    const fakes = await startFakeUpstreams();
    const env = {
      DATABASE_URL: database.databaseUrl,
      WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
      WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
      WEBOX_RATE_LIMIT_RPM: '1000000',
      LOG_LEVEL: 'silent',
      ...fakes.env,
      ...extraEnv,
    };
    const first = await buildApp(parseConfig(env));
    const second = await buildApp(parseConfig(env));
    const admin = await signUp(first);
    await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
    parts = { database, fakes, first, second, admin };
  });
  afterAll(async () => {
    await parts?.first.close();
    await parts?.second.close();
    await parts?.fakes.close();
    await parts?.database.drop();
  });
  return () => {
    if (!parts) throw new Error('the two instances were not started');
    return parts;
  };
}
