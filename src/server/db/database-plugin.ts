// Opens the database (taking the embedded lock on PGlite), applies migrations, closes on shutdown.
import fastifyPlugin from 'fastify-plugin';
import type { Config } from '../config.ts';
import { type DatabaseHandle, openDatabase } from './client.ts';
import { acquireEmbeddedLock } from './embedded-lock.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle;
  }
}

export const databasePlugin = fastifyPlugin<{ config: Config }>(
  async (app, { config }) => {
    const releaseLock = config.databaseUrl ? null : await acquireEmbeddedLock(config.dataDir, 'webox serve');
    let database: DatabaseHandle;
    try {
      database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      await database.migrate();
    } catch (error) {
      await releaseLock?.();
      throw error;
    }
    app.decorate('database', database);
    app.addHook('onClose', async () => {
      await database.close();
      await releaseLock?.();
    });
  },
  { name: 'webox-database' },
);
