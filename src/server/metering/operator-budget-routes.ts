// The operator budget over HTTP (Admin › Usage): what the whole community may spend on the global
// keys, its alert thresholds, the hard cap and the spend-jump multiple, with this day's and month's
// spend. A change is audited in its own transaction and reaches every instance through the bus.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type OperatorBudgetView, operatorBudgetSettings, operatorBudgetView } from '../../shared/operator-budget.ts';
import { auditActor } from '../audit/audit-actor.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope } from '../auth/route-scopes.ts';

const tags = ['Limits'];

const ABOUT =
  "What all users together may spend on the global keys per day and per calendar month (micro-dollars, the display time zone; null: no limit). Admins are alerted once per period at each threshold (percent). With hardCap, reaching a limit pauses the global keys: 429 quota_exceeded with quota.source 'operator', on /api/chat, conversations and /v1; personal keys go on. spendJumpMultiple (null: off) alerts when a user's hour on the global keys passes that multiple of their usual hour.";

export const operatorBudgetRoutes: FastifyPluginAsyncZod = async (app) => {
  const { operator, quota } = app.metering;

  async function view(): Promise<OperatorBudgetView> {
    const [budget, spent] = await Promise.all([operator.current(), operator.spent(quota.periods())]);
    return {
      dayMicrousd: budget.dayMicrousd,
      monthMicrousd: budget.monthMicrousd,
      thresholds: budget.thresholds,
      hardCap: budget.hardCap,
      spendJumpMultiple: budget.spendJumpMultiple,
      spent,
      timezone: app.display.timeZone(),
      updatedAt: budget.updatedAt?.toISOString() ?? null,
    };
  }

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/operator-budget',
        {
          schema: {
            tags,
            summary: 'The operator budget on the global keys',
            description: ABOUT,
            response: { 200: operatorBudgetView },
          },
        },
        async () => view(),
      );

      app.put(
        '/api/admin/operator-budget',
        {
          schema: {
            tags,
            summary: 'Set the operator budget on the global keys',
            description: `${ABOUT} From the next request on, on every instance.`,
            body: operatorBudgetSettings,
            response: { 200: operatorBudgetView },
          },
        },
        async (request) => {
          const settings = request.body;
          const admin = currentUser(request);
          await app.database.db.transaction(async (tx) => {
            await operator.save(tx, settings, admin.id);
            await app.audit.record(tx, {
              action: 'operator_budget.changed',
              target: { kind: 'operator_budget', id: 'operator' },
              actor: auditActor(request),
              details: {
                dayMicrousd: settings.dayMicrousd,
                monthMicrousd: settings.monthMicrousd,
                thresholds: [...settings.thresholds].sort((a, b) => a - b).join(','),
                hardCap: settings.hardCap,
                spendJumpMultiple: settings.spendJumpMultiple,
              },
            });
          });
          await operator.changed();
          return view();
        },
      );
    }),
  );
};
