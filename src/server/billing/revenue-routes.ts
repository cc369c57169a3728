// GET /api/admin/billing/revenue: the revenue view (revenue.ts) over a range of days.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { REVENUE_MAX_DAYS, revenueQuery, revenueView } from '../../shared/billing.ts';
import { adminScope } from '../auth/route-scopes.ts';
import { createRevenue, revenueRange } from './revenue.ts';

export const revenueRoutes: FastifyPluginAsyncZod = async (app) => {
  const revenue = createRevenue({
    db: app.database.db,
    store: app.billing.store,
    stats: app.metering.stats,
    timezone: app.display.timeZone,
  });

  // Who may call it is the scope's guard (auth/route-scopes.ts).
  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/billing/revenue',
        {
          schema: {
            tags: ['Billing'],
            summary: 'Revenue against cost',
            description: `Over the days from \`from\` to \`to\` (included, in the display time zone (GET /api/settings/display); default: this month; at most ${REVENUE_MAX_DAYS} days): the invoices paid (amount_paid, each invoice once) per currency in total and per user, monthly recurring revenue, subscribers per plan, and what each user cost on the global keys (micro-dollars, from the usage ledger). Amounts are in each currency's minor unit, never converted.`,
            querystring: revenueQuery,
            response: { 200: revenueView },
          },
        },
        async (request) => revenue.report(revenueRange(app.display.timeZone(), request.query)),
      );
    }),
  );
};
