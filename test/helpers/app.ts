// Builds a WeBox app for a test file: its own database, a fixed master key, providers pointed at
// the fake upstreams, and every log line captured so tests can prove no secret is logged.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { type App, buildApp } from '../../src/server/app.ts';
import { parseConfig } from '../../src/server/config.ts';
import { createTestDatabase, dumpAllTables, type TestDatabase } from './database.ts';

export interface TestApp {
  app: App;
  database: TestDatabase;
  logs: string[];
  env: Record<string, string>;
  /** Every row of every table, as text. */
  dump(): Promise<string>;
  close(): Promise<void>;
}

/** A log destination that keeps every line (tests read them: warnings said, secrets never). */
export function captureLogs() {
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  return { logs, logStream };
}

export const TEST_MASTER_KEY = randomBytes(32).toString('base64');

export async function createTestApp(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const { logs, logStream } = captureLogs();
  const fullEnv: Record<string, string> = Object.fromEntries(
    Object.entries({
      WEBOX_DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl,
      WEBOX_MASTER_KEY: TEST_MASTER_KEY,
      WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'debug',
      WEBOX_UPSTREAM_TIMEOUT_MS: '5000',
      // The pass on PostgreSQL and Redis counts rate limits in Redis, under keys of its own.
      REDIS_URL: process.env.REDIS_URL,
      WEBOX_REDIS_PREFIX: `webox-test-${randomBytes(6).toString('hex')}`,
      // Most suites send far more than the default 120 requests a minute; the limits suite sets its own.
      WEBOX_RATE_LIMIT_RPM: '1000000',
      // Likewise for calls in flight: the exactness tests send 100 at once from one account.
      WEBOX_MAX_IN_FLIGHT_PER_USER: '1000',
      ...env,
    }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const app = await buildApp(parseConfig(fullEnv), { logStream });
  return {
    app,
    database,
    logs,
    env: fullEnv,
    dump: () =>
      dumpAllTables(async (text) => {
        const result = await app.database.db.execute(sql.raw(text));
        // node-postgres returns { rows }, PGlite returns { rows } too (drizzle passes them through).
        return { rows: (result as unknown as { rows: Record<string, unknown>[] }).rows };
      }),
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
