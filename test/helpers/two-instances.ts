// Two WeBox instances on one PostgreSQL database (PostgreSQL only: PGlite has one process), the
// fake upstreams, and an admin signed up on the first with a global OpenAI key (unless told not
// to). Made before the file's tests and closed after them; read the parts through the returned
// getter. Settings that exist only once the file's own beforeAll ran (a fake Stripe's address)
// come through a function, called when the instances start.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { type App, buildApp } from '../../src/server/app.ts';
import { parseConfig } from '../../src/server/config.ts';
import { type FakeUpstreams, startFakeUpstreams } from '../fakes/index.ts';
import { captureLogs } from './app.ts';
import { type Client, signUp } from './client.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { makeKey } from './keys.ts';

export interface TwoInstances {
  database: TestDatabase;
  fakes: FakeUpstreams;
  first: App;
  second: App;
  /** Signed up on the first instance; the global OpenAI key is saved (unless `globalKey: false`). */
  admin: Client;
  /** Each instance's log lines, when `captureLogs` was asked for (else empty). */
  logs: [string[], string[]];
}

type Env = Record<string, string>;

export function twoInstancesOnPostgres(
  extraEnv: Env | (() => Env) = {},
  options: { globalKey?: boolean; captureLogs?: boolean } = {},
): () => TwoInstances {
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
      ...(typeof extraEnv === 'function' ? extraEnv() : extraEnv),
    };
    const start = async () => {
      if (!options.captureLogs) return { app: await buildApp(parseConfig(env)), logs: [] };
      const { logs, logStream } = captureLogs();
      return { app: await buildApp(parseConfig(env), { logStream }), logs };
    };
    const [one, two] = [await start(), await start()];
    const admin = await signUp(one.app);
    if (options.globalKey !== false) await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
    parts = { database, fakes, first: one.app, second: two.app, admin, logs: [one.logs, two.logs] };
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
