// The detectors that raise alerts, wired once: the budget watch follows the usage ledger's batches
// (and the hard cap's refusals), the key watch follows the end of every model call. Raising never
// slows or fails a call: every check runs after the call (or the batch) is done, and a failure is
// logged without any key.
import fastifyPlugin from 'fastify-plugin';
import { createBudgetWatch } from './budget-watch.ts';
import { createKeyWatch } from './key-watch.ts';

declare module 'fastify' {
  interface FastifyInstance {
    detectors: { settled: () => Promise<void> };
  }
}

export const detectorsPlugin = fastifyPlugin(
  async (app) => {
    const log = app.log.child({ module: 'detectors' });
    const { metering } = app;
    const raise = (alert: Parameters<typeof app.alerts.raise>[0]) => app.alerts.raise(alert);
    const budgets = createBudgetWatch({
      database: app.database,
      raise,
      operator: () => metering.operator.current(),
      operatorSpent: (bounds) => metering.operator.spent(bounds),
      periods: () => metering.quota.periods(),
      budgetHeld: metering.budgetHeld,
      budgetLines: (userId, source, limits) => metering.quota.status(userId, source, limits),
      emails: (ids) => app.users.directory(ids),
      log,
    });
    metering.ledger.onWritten(budgets.written);
    metering.operator.onRefused((refusal) => {
      void metering.operator
        .current()
        .then((budget) => budgets.refused(budget, refusal.period, refusal.limitMicrousd, refusal.spentMicrousd))
        .catch((error: unknown) => log.warn({ err: error }, 'the operator budget could not be read'));
    });
    const keys = createKeyWatch({ raise, fingerprint: (secret) => app.audit.fingerprint(secret), log });
    app.completions.onCallEnd(keys.observe);
    app.decorate('detectors', { settled: budgets.settled });
  },
  {
    name: 'webox-detectors',
    dependencies: ['webox-metering', 'webox-alerts', 'webox-audit', 'webox-completions', 'webox-users'],
  },
);
