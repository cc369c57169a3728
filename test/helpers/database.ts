// Test databases. On PGlite each test file gets its own data folder; with DATABASE_URL set, each
// file gets a fresh PostgreSQL database, created here and dropped afterwards (the machine's `test`
// database outlives sessions, so tests never write to it directly).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../../src/server/db/client.ts';

export interface TestDatabase {
  /** Set on PostgreSQL runs. */
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

export const postgresUrl = process.env.DATABASE_URL || undefined;

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'webox-test-'));
  if (!postgresUrl) {
    return { databaseUrl: undefined, dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const name = `webox_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir,
    async drop() {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every row of every table, as text: what a database dump would reveal. */
export async function dumpAllTables(query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }>) {
  const tables = await query(
    "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
  );
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await query(`select * from "${String(table_name)}"`);
    parts.push(`${String(table_name)}: ${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}

/**
 * A migrated database of the test's own, without the app: for the units that own SQL (the quota,
 * the usage ledger). Accounts are rows of better-auth's user table, added by id.
 */
export async function openTestDatabase(): Promise<{
  database: DatabaseHandle;
  addUser(id: string): Promise<void>;
  close(): Promise<void>;
}> {
  const test = await createTestDatabase();
  const database = await openDatabase({ databaseUrl: test.databaseUrl, dataDir: test.dataDir });
  await database.migrate();
  return {
    database,
    async addUser(id) {
      await database.query(`insert into "user" (id, name, email) values ($1, $1, $1 || '@example.com')`, [id]);
    },
    async close() {
      await database.close();
      await test.drop();
    },
  };
}
