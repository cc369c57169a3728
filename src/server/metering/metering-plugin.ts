// The metering module, wired once: prices (seeded from the catalogue), the usage ledger (a batch
// writer flushed on shutdown) and its statistics, the rate-limit store, the limit policies (cached,
// invalidated across instances), the quota holds (kept alive while their requests run, swept when
// orphaned) and the admission gate the completion pipeline calls before a key is decrypted.
// Registered before the accounts module: sign-in attempts are throttled with the rate limits.
import fastifyPlugin from 'fastify-plugin';
import { type Admit, createAdmission } from './admission.ts';
import type { BudgetLimits, KeySource } from './limit-policies.ts';
import { createLimitPolicies, type LimitPolicies } from './limit-policies.ts';
import { createOperatorBudgets, type OperatorBudgets } from './operator-budget.ts';
import { createPriceBook, type PriceBook } from './price-book.ts';
import { createQuota, type Quota } from './quota.ts';
import { warnWhenCountedAlone } from './rate-limit-instances.ts';
import { createRateLimits, type RateLimits } from './rate-limits.ts';
import { createRequestLog, type RequestLog } from './request-log.ts';
import { createUsageLedger, type UsageLedger } from './usage-ledger.ts';
import { createUsageStats, type UsageStats } from './usage-stats.ts';

export interface Metering {
  prices: PriceBook;
  ledger: UsageLedger;
  stats: UsageStats;
  /** The ledger's rows, filtered and paged (the request log). */
  requests: RequestLog;
  rates: RateLimits;
  policies: LimitPolicies;
  quota: Quota;
  admit: Admit;
  peekHeaders: (userId: string) => Promise<Record<string, string>>;
  /** Model calls the user has running on this instance. */
  inFlight: (userId: string) => number;
  /** The operator budget on the global keys (its hard cap is held by admission). */
  operator: OperatorBudgets;
  /** The budget this instance last held a user's call against, per key source (null: none). */
  budgetHeld: (userId: string, source: KeySource) => BudgetLimits | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    metering: Metering;
  }
}

export const meteringPlugin = fastifyPlugin(
  async (app) => {
    const { config } = app;
    const prices = createPriceBook({ db: app.database.db, bus: app.bus, audit: app.audit });
    await prices.seedCatalogue();
    const ledger = createUsageLedger({
      query: app.database.query,
      prices,
      timezone: app.display.timeZone,
      log: app.log.child({ module: 'usage' }),
      observer: {
        batchWritten: (seconds) => app.metrics.ledgerBatchDuration.observe(seconds),
        rowsFailed: (outcome, rows) => app.metrics.ledgerRowsFailed.inc({ outcome }, rows),
      },
    });
    const limitsLog = app.log.child({ module: 'limits' });
    const rates = await createRateLimits({ redisUrl: config.redisUrl, keyPrefix: config.redisPrefix, log: limitsLog });
    const policies = createLimitPolicies({
      db: app.database.db,
      bus: app.bus,
      defaults: {
        requestsPerMinute: config.rateLimit.requestsPerMinute,
        tokensPerMinute: config.rateLimit.tokensPerMinute,
      },
      audit: app.audit,
    });
    const quota = createQuota({
      database: app.database,
      ledger,
      bus: app.bus,
      timezone: app.display.timeZone,
      holdTtlMs: config.quotaHoldTtlMs,
      log: app.log.child({ module: 'quota' }),
    });
    const operator = createOperatorBudgets({ db: app.database.db, database: app.database, bus: app.bus });
    const { admit, peekHeaders, inFlight, budgetHeld } = createAdmission({
      policies,
      rates,
      quota,
      prices,
      maxInFlightPerUser: config.maxInFlightPerUser,
      operator,
    });
    // Read when Prometheus scrapes, never on a request's path.
    app.metrics.readings.ledgerQueueDepth = ledger.pending;
    app.metrics.readings.holdsInFlight = quota.holdsInFlight;
    app.decorate('metering', {
      prices,
      ledger,
      stats: createUsageStats(app.database.db),
      requests: createRequestLog(app.database.db),
      rates,
      policies,
      quota,
      admit,
      peekHeaders,
      inFlight,
      operator,
      budgetHeld,
    });
    // One hook, in this order: the quota's sweeper stops first, then the ledger's final flush
    // writes the last usage rows (which release their holds), then the rate-limit store closes.
    // All before the database, which was registered earlier and so closes later.
    app.addHook('onClose', async () => {
      await quota.close();
      await ledger.close();
      await rates.close();
    });
    if (rates.store === 'memory' && app.database.kind === 'postgres') await warnWhenCountedAlone(app.bus, limitsLog);
  },
  { name: 'webox-metering', dependencies: ['webox-metrics', 'webox-database', 'webox-audit', 'webox-display'] },
);
