// Opens the database (taking the embedded lock on PGlite), applies migrations, closes on shutdown.
import fastifyPlugin from 'fastify-plugin';
import { type ChangeBus, createLocalBus, createPostgresBus } from '../cache/change-bus.ts';
import type { Config } from '../config.ts';
import { type DatabaseHandle, openDatabase } from './client.ts';
import { acquireEmbeddedLock } from './embedded-lock.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle;
    /** Cache invalidation across instances: PostgreSQL LISTEN/NOTIFY, or local on PGlite. */
    bus: ChangeBus;
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
    // The embedded database belongs to this one process: nobody else needs to hear of changes.
    const bus = config.databaseUrl
      ? await createPostgresBus({ databaseUrl: config.databaseUrl, log: app.log.child({ module: 'change-bus' }) })
      : createLocalBus();
    app.decorate('bus', bus);
    app.addHook('onClose', async () => {
      await bus.close();
      await database.close();
      await releaseLock?.();
    });
  },
  { name: 'webox-database' },
);
