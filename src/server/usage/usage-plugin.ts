// Wires the ledger: the price book (seeded from the catalogue), the batch writer (flushed on
// shutdown), and the gateway's per-request records.
import fastifyPlugin from 'fastify-plugin';
import { createPriceBook, type PriceBook } from './price-book.ts';
import { createUsageLedger, type UsageLedger } from './usage-ledger.ts';
import { createUsageStats, type UsageStats } from './usage-stats.ts';

declare module 'fastify' {
  interface FastifyInstance {
    usageLedger: UsageLedger;
    usageStats: UsageStats;
    prices: PriceBook;
  }
}

export const usagePlugin = fastifyPlugin(
  async (app) => {
    const prices = createPriceBook({ db: app.database.db, bus: app.bus });
    await prices.seedCatalogue();
    const ledger = createUsageLedger({
      query: app.database.query,
      prices,
      timezone: app.config.timezone,
      log: app.log.child({ module: 'usage' }),
    });
    app.decorate('prices', prices);
    app.decorate('usageLedger', ledger);
    app.decorate('usageStats', createUsageStats(app.database.db));
    // Closed before the database (hooks run in reverse order of registration).
    app.addHook('onClose', async () => ledger.close());
  },
  { name: 'webox-usage', dependencies: ['webox-database'] },
);
