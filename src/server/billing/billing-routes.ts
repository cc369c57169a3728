// A user's billing (GET /api/billing), the admin's billing settings (GET/PUT /api/admin/billing)
// and plans granted by hand (PUT /api/admin/users/:id/plan).

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  type BillingSettingsView,
  billingSettingsBody,
  billingSettingsView,
  billingView,
  grantPlanBody,
} from '../../shared/billing.ts';
import { idParams } from '../../shared/contracts.ts';
import { signedInActor } from '../audit/audit-actor.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { commonErrors } from '../errors.ts';
import { billingErrors } from './billing-errors.ts';

const tags = ['Billing'];

const ACCESS =
  "`status` is the Stripe subscription's (`incomplete` shows as `none`, `incomplete_expired` as `canceled`, `paused` as `unpaid`; after its deletion `canceled` with `plan` null), or `granted` when only a plan granted by hand opens the global keys. `globalAccess` says whether the global keys are open to the user now: `reason` is null when a subscription, a grant, the admin role or the `everyone` policy opens them, `free_allowance` when only the free allowance does, `past_due_grace_over` when a past-due subscription's grace has run out, `no_subscription` when they are closed otherwise. Personal keys are never refused by billing.";

export const billingRoutes: FastifyPluginAsyncZod = async (app) => {
  const { store, access } = app.billing;
  const { enabled } = app.config.billing;

  const settingsView = (): BillingSettingsView => ({ enabled, ...access.settings() });

  await app.register(
    userScope(async (app) => {
      app.get(
        '/api/billing',
        { schema: { tags, summary: 'Your billing', description: ACCESS, response: { 200: billingView } } },
        async (request) => access.view(currentUser(request).id, enabled),
      );
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/billing',
        {
          schema: {
            tags,
            summary: 'The billing settings',
            description: '`enabled` is read-only: true when STRIPE_SECRET_KEY is set.',
            response: { 200: billingSettingsView },
          },
        },
        async () => settingsView(),
      );

      app.put(
        '/api/admin/billing',
        {
          schema: {
            tags,
            summary: 'Change the billing settings',
            description:
              'Any subset of policy, freeAllowance (a budget on the global keys for users without a plan, null: none), graceDays and usdPerCurrency; the rest is kept. `subscribers` works with Stripe off too: grants, admins and the allowance open the global keys. Answers the whole object.',
            body: billingSettingsBody,
            response: { 200: billingSettingsView },
          },
        },
        async (request) => {
          if (Object.keys(request.body).length > 0) {
            const actor = signedInActor(request);
            const adminId = actor.userId;
            const before = access.settings().usdPerCurrency;
            await store.updateSettings(request.body, actor);
            // Each rate that changed is dated from now (the display currency's shows its date).
            const { usdPerCurrency } = request.body;
            if (usdPerCurrency) {
              const changed = Object.entries(usdPerCurrency).filter(([currency, rate]) => before[currency] !== rate);
              await app.display.ratesSet(Object.fromEntries(changed), adminId);
            }
            await access.settingsChanged();
          }
          return settingsView();
        },
      );

      app.put(
        '/api/admin/users/:id/plan',
        {
          schema: {
            tags,
            summary: 'Grant a plan by hand',
            description: `A retired or unknown plan answers 404. \`until\` (optional, in the future) ends the grant; \`{planId: null}\` removes it. Answers the user's billing. ${ACCESS}`,
            params: idParams,
            body: grantPlanBody,
            response: { 200: billingView },
          },
        },
        async (request) => {
          const userId = request.params.id;
          const { planId, until } = request.body;
          const ends = until ? new Date(until) : null;
          if (ends && ends.getTime() <= Date.now()) throw billingErrors.grantInPast();
          // Accounts belong to the users module: asked through its service, never read from its table.
          if (!(await app.users.exists(userId))) throw commonErrors.notFound('The user');
          if (planId === null) {
            await store.removeGrant(userId, signedInActor(request));
          } else {
            if (!(await store.plans()).some((plan) => plan.id === planId && plan.active))
              throw billingErrors.planNotFound();
            await store.setGrant(userId, planId, ends, signedInActor(request));
          }
          await access.grantChanged(userId);
          return access.view(userId, enabled);
        },
      );
    }),
  );
};
