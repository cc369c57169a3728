// Plans over HTTP: every user reads the active ones (GET /api/plans); admins list, create, change
// and retire them. A plan's prices are Stripe price ids whose amount and currency are read from
// Stripe before anything is stored (stripe-prices.ts): 400 invalid_request for a price a slot
// cannot take, 400 billing_not_configured while Stripe is off (DESIGN §6 "Billing").

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createPlanBody, type PlanView, planList, planView, updatePlanBody } from '../../shared/billing.ts';
import { idParams } from '../../shared/contracts.ts';
import { signedInActor } from '../audit/audit-actor.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { billingErrors } from './billing-errors.ts';
import { NO_BUDGETS } from './billing-store.ts';
import { readPlanPrices } from './stripe-prices.ts';

const tags = ['Billing'];

const PLAN_FIELDS =
  "`budgets` apply on the global keys to the plan's users (null limits: none); `models` lists `provider/model` ids (null: every model). Prices are Stripe price ids (`price_…`), one recurring price per interval, whose amount and currency are read from Stripe: a price Stripe does not have, an inactive or one-time one, or one billed at another interval than its slot answers 400 invalid_request naming the field; while Stripe is not configured a price answers 400 billing_not_configured. Either way nothing is stored.";

export const planRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store, access, stripe } = app.billing;

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
          const read = await readPlanPrices(stripe, prices);
          const created = await store.createPlan(
            {
              name,
              description: description ?? '',
              monthPrice: read.month,
              yearPrice: read.year,
              budgets: budgets ?? NO_BUDGETS,
              models: models ?? null,
            },
            signedInActor(request),
          );
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
          const { prices, ...fields } = request.body;
          // Plan ids are UUIDs: anything else names no plan (and would not reach the column's type).
          if (!z.uuid().safeParse(request.params.id).success) throw billingErrors.planNotFound();
          const read = prices === undefined ? null : await readPlanPrices(stripe, prices);
          const change = read ? { ...fields, monthPrice: read.month, yearPrice: read.year } : fields;
          const updated = await store.updatePlan(request.params.id, change, signedInActor(request));
          if (!updated) throw billingErrors.planNotFound();
          await access.plansChanged();
          return updated;
        },
      );
    }),
  );
};
