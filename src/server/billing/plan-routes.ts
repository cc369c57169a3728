// Plans over HTTP: every user reads the active ones (GET /api/plans); admins list, create, change
// and retire them. A Stripe price is refused here (DESIGN §6: 400 billing_not_configured while
// Stripe is off); with Stripe on, reading prices from Stripe's API is not built yet, so a price is
// refused with invalid_request rather than stored unchecked: plans take prices null (grants only).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createPlanBody, type PlanView, planList, planView, updatePlanBody } from '../../shared/billing.ts';
import { idParams } from '../../shared/contracts.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { billingErrors } from './billing-errors.ts';
import { NO_BUDGETS } from './billing-store.ts';

const tags = ['Billing'];

type Prices = z.infer<typeof createPlanBody>['prices'];

const PLAN_FIELDS =
  "`budgets` apply on the global keys to the plan's users (null limits: none); `models` lists `provider/model` ids (null: every model). Prices are Stripe price ids; while Stripe is not configured a price answers 400 billing_not_configured, and nothing is stored.";

export const planRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store, access } = app.billing;

  /** Refuses any price, before anything is stored (see the file's comment). */
  function refusePrices(prices: Prices | undefined) {
    if (!prices || (prices.month === null && prices.year === null)) return;
    throw app.config.billing.enabled ? billingErrors.pricesNotSupported() : billingErrors.notConfigured();
  }

  await app.register(
    userScope(async (app) => {
      app.get(
        '/api/plans',
        {
          schema: {
            tags,
            summary: 'The plans on offer',
            description: 'Active plans only.',
            response: { 200: planList },
          },
        },
        async () => ({ plans: access.plans().filter((plan) => plan.active) }),
      );
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/plans',
        { schema: { tags, summary: 'Every plan', description: 'Retired ones included.', response: { 200: planList } } },
        async () => ({ plans: await store.plans() }),
      );

      app.post(
        '/api/admin/plans',
        {
          schema: {
            tags,
            summary: 'Create a plan',
            description: PLAN_FIELDS,
            body: createPlanBody,
            response: { 201: planView },
          },
        },
        async (request, reply): Promise<PlanView> => {
          const { name, description, prices, budgets, models } = request.body;
          refusePrices(prices);
          const created = await store.createPlan({
            name,
            description: description ?? '',
            budgets: budgets ?? NO_BUDGETS,
            models: models ?? null,
          });
          await access.plansChanged();
          reply.status(201);
          return created;
        },
      );

      app.patch(
        '/api/admin/plans/:id',
        {
          schema: {
            tags,
            summary: 'Change or retire a plan',
            description: `Each field optional. \`active: false\` retires the plan: it is no longer offered, and grants and subscriptions that have it keep it. ${PLAN_FIELDS}`,
            params: idParams,
            body: updatePlanBody,
            response: { 200: planView },
          },
        },
        async (request) => {
          const { prices, ...change } = request.body;
          refusePrices(prices);
          // Plan ids are UUIDs: anything else names no plan (and would not reach the column's type).
          if (!z.uuid().safeParse(request.params.id).success) throw billingErrors.planNotFound();
          const updated = await store.updatePlan(request.params.id, change);
          if (!updated) throw billingErrors.planNotFound();
          await access.plansChanged();
          return updated;
        },
      );
    }),
  );
};
