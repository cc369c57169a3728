// Wires budgets and rate limits: the policies (cached, invalidated across instances), the quota
// holds (kept alive while their requests run, swept when orphaned), and the admission gate that
// chat and the gateway call once a key is resolved.
import fastifyPlugin from 'fastify-plugin';
import { type Admit, createAdmission } from './admission.ts';
import { createLimitPolicies, type LimitPolicies } from './limit-policies.ts';
import { createQuota, type Quota } from './quota.ts';

declare module 'fastify' {
  interface FastifyInstance {
    limits: {
      policies: LimitPolicies;
      quota: Quota;
      admit: Admit;
      peekHeaders: (userId: string) => Promise<Record<string, string>>;
      /** Model calls the user has running on this instance. */
      inFlight: (userId: string) => number;
    };
  }
}

export const limitsPlugin = fastifyPlugin(
  async (app) => {
    const policies = createLimitPolicies({
      db: app.database.db,
      bus: app.bus,
      defaults: {
        requestsPerMinute: app.config.rateLimit.requestsPerMinute,
        tokensPerMinute: app.config.rateLimit.tokensPerMinute,
      },
    });
    const quota = createQuota({
      database: app.database,
      ledger: app.usageLedger,
      timezone: app.config.timezone,
      holdTtlMs: app.config.quotaHoldTtlMs,
      log: app.log.child({ module: 'quota' }),
    });
    const { admit, peekHeaders, inFlight } = createAdmission({
      policies,
      rates: app.rateLimits,
      quota,
      prices: app.prices,
      maxInFlightPerUser: app.config.maxInFlightPerUser,
    });
    app.decorate('limits', { policies, quota, admit, peekHeaders, inFlight });
    // Registered after the usage plugin, so closed before it: the ledger's final flush then
    // writes the last usage rows, which release their holds.
    app.addHook('onClose', async () => quota.close());
  },
  { name: 'webox-limits', dependencies: ['webox-database', 'webox-usage', 'webox-rate-limits'] },
);
