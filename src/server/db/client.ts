// The database: PGlite in the data folder by default, PostgreSQL when DATABASE_URL is set. Both
// are driven through the same Drizzle schema and the same migrations folder.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** The Drizzle database, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Runs the migrations (idempotent; serialised across instances on PostgreSQL). */
  migrate(): Promise<void>;
  /**
   * A raw parameterised statement, for the few hot statements where building SQL through Drizzle
   * costs more than the work itself (the usage ledger's batched insert).
   */
  query<Row = Record<string, unknown>>(text: string, params: unknown[]): Promise<{ rows: Row[] }>;
  /** A cheap round trip, for /readyz: rejects when it takes longer than timeoutMs. */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Arbitrary constant: the advisory lock that serialises migrations across WeBox instances. */
const MIGRATION_LOCK_ID = 7_201_055_1;

/**
 * How long a new PostgreSQL connection may take, handshake included: a database that accepts
 * and never answers fails a request (and a start) after this instead of hanging it.
 */
const CONNECT_TIMEOUT_MS = 5_000;
/** PostgreSQL cancels a statement that runs longer (no request of WeBox needs that long). */
const STATEMENT_TIMEOUT_MS = 30_000;
/** And the client gives up a little later: a server that stopped answering cancels nothing. */
const QUERY_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 5_000;

/** Rejects when the promise has not settled within ms (what it was doing is not stopped). */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function openDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(path.join(options.dataDir, 'pglite'));
}

async function openPostgres(databaseUrl: string): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = drizzleNodePostgres(pool, { schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    async migrate() {
      // Several instances may start at once: one migrates while the others wait on the lock. A
      // connection of its own, without the pool's statement timeouts: a migration (or the wait
      // for another instance's) may take longer than any request.
      const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        try {
          await migrateNodePostgres(drizzleNodePostgres(client, { schema }), { migrationsFolder });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
        }
      } finally {
        await client.end();
      }
    },
    async query<Row>(text: string, params: unknown[]) {
      const result = await pool.query(text, params);
      return { rows: result.rows as Row[] };
    },
    async ping(timeoutMs) {
      // The query's own timeout frees its connection; the race also bounds the wait for one.
      // (pg reads query_timeout from a query's config; its types do not list it.)
      const query = { text: 'select 1', query_timeout: timeoutMs } as pg.QueryConfig;
      await withTimeout(pool.query(query), timeoutMs, 'PostgreSQL');
    },
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(folder: string): Promise<DatabaseHandle> {
  // Imported here, not at the top: a server on PostgreSQL never loads PGlite or its driver (issue
  // 13, resident memory).
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  // PGlite does not create missing parent folders.
  await mkdir(path.dirname(folder), { recursive: true });
  const client = await PGlite.create(folder);
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
    },
    async query<Row>(text: string, params: unknown[]) {
      const result = await client.query<Row>(text, params);
      return { rows: result.rows };
    },
    async ping(timeoutMs) {
      // A statement that holds PGlite's one connection makes this wait.
      await withTimeout(client.query('select 1'), timeoutMs, 'PGlite');
    },
    async close() {
      await client.close();
    },
  };
}
