// Billing as the API answers it (DESIGN §6 "Billing"): plans, a user's billing and the admin's
// settings, shared by the server's route schemas and the web app's types. Amounts are in the
// currency's minor unit; budgets are the limits' shape (micro-dollars and tokens, null: no limit).
import { z } from 'zod';
import { budgetLimitsView } from './limits.ts';
import { isWellFormedModelId } from './model-id.ts';
import { messageText, singleLineText } from './text.ts';

export const billingPolicy = z.enum(['everyone', 'subscribers']);
export type BillingPolicy = z.infer<typeof billingPolicy>;

export const planPrice = z
  .object({
    stripePriceId: z.string(),
    amount: z.number().int().describe("In the currency's minor unit, read from Stripe."),
    currency: z.string().describe('Lowercase ISO 4217.'),
  })
  .meta({ id: 'PlanPrice', description: "One interval's price, read from Stripe." });

export const planView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    active: z.boolean().describe('false: retired (no new subscriptions or grants; existing ones keep it).'),
    prices: z.object({ month: planPrice.nullable(), year: planPrice.nullable() }),
    budgets: budgetLimitsView,
    models: z.array(z.string()).nullable().describe('`provider/model` ids; null: every model on the global keys.'),
  })
  .meta({ id: 'Plan', description: 'A plan: its prices, the budgets it gives on the global keys, its models.' });
export type PlanView = z.infer<typeof planView>;

export const planList = z.object({ plans: z.array(planView) }).meta({ id: 'PlanList' });

export const accessReason = z.enum(['no_subscription', 'past_due_grace_over', 'free_allowance']);
export type AccessReason = z.infer<typeof accessReason>;

const instant = z.iso.datetime().nullable();

export const billingView = z
  .object({
    enabled: z.boolean().describe('Whether Stripe is configured (STRIPE_SECRET_KEY).'),
    policy: billingPolicy,
    plan: z.object({ id: z.string(), name: z.string() }).nullable(),
    status: z.enum(['none', 'active', 'trialing', 'past_due', 'canceled', 'unpaid', 'granted']),
    currentPeriodEnd: instant,
    cancelAtPeriodEnd: z.boolean(),
    grantedUntil: instant.describe('With a grant: when it ends; null: no end (or no grant).'),
    globalAccess: z.object({
      allowed: z.boolean(),
      reason: accessReason
        .nullable()
        .describe('null: a subscription, a grant, the admin role or the everyone policy allows.'),
    }),
  })
  .meta({ id: 'Billing', description: "A user's billing: plan, status and whether the global keys are open." });
export type BillingView = z.infer<typeof billingView>;

export const billingSettingsView = z
  .object({
    enabled: z.boolean(),
    policy: billingPolicy,
    freeAllowance: budgetLimitsView.nullable().describe('What a user without a plan may spend on the global keys.'),
    graceDays: z.number().int().describe('Days a past-due subscription keeps its access.'),
    usdPerCurrency: z.record(z.string(), z.number()).describe('Dollars per unit of each currency (revenue reports).'),
  })
  .meta({ id: 'BillingSettings', description: "The operator's billing settings." });
export type BillingSettingsView = z.infer<typeof billingSettingsView>;

// Request bodies (the server's route schemas).

const limitAmount = z.number().int().min(0).max(1e15).nullable();
/** A budget: micro-dollars and tokens per day and month, null for no limit (the limits' shape). */
export const budgetBody = z.object({
  dayMicrousd: limitAmount,
  monthMicrousd: limitAmount,
  dayTokens: limitAmount,
  monthTokens: limitAmount,
});

/** Stripe's price ids: `price_` and letters and digits (Stripe makes them; an admin cannot choose one). */
export const stripePriceId = z
  .string()
  .max(255)
  .regex(/^price_[A-Za-z0-9]+$/, 'a Stripe price id (price_…)');
const priceSlotBody = z.object({ stripePriceId }).nullable();
const planModelId = z
  .string()
  .max(260)
  .refine(
    (id) => /^[a-z][a-z0-9-]{0,31}\/./.test(id) && isWellFormedModelId(id.slice(id.indexOf('/') + 1)),
    'models must be `provider/model` ids',
  );

const planFields = {
  name: singleLineText({ min: 1, max: 100, trim: true }),
  description: messageText({ max: 2000 }),
  prices: z.object({ month: priceSlotBody, year: priceSlotBody }),
  budgets: budgetBody,
  models: z.array(planModelId).max(1000).nullable(),
};

/** POST /api/admin/plans. */
export const createPlanBody = z.object({
  ...planFields,
  description: planFields.description.optional(),
  budgets: planFields.budgets.optional(),
  models: planFields.models.optional(),
});

/** PATCH /api/admin/plans/:id: each field optional; `active: false` retires the plan. */
export const updatePlanBody = z
  .object({ ...planFields, active: z.boolean() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'Give at least one field to change.');

/** PUT /api/admin/billing: any subset, `enabled` excepted (it is the server's configuration). */
export const billingSettingsBody = z
  .strictObject({
    policy: billingPolicy,
    freeAllowance: budgetBody.nullable(),
    graceDays: z.number().int().min(0).max(3650),
    usdPerCurrency: z.record(
      z.string().regex(/^[a-z]{3}$/, 'currencies are lowercase ISO 4217 codes (eur, gbp, …)'),
      z.number().positive().max(1e9),
    ),
  })
  .partial();

/** PUT /api/admin/users/:id/plan: a grant by hand; planId null removes it. */
export const grantPlanBody = z.object({
  planId: z.uuid().nullable(),
  until: z.iso.datetime({ offset: true }).nullable().optional(),
});

/** POST /api/billing/checkout. planId is checked against the plans (anything unknown: 404). */
export const checkoutBody = z.object({
  planId: z.string().min(1).max(100),
  interval: z.enum(['month', 'year']),
});

/** Where the browser goes next: Stripe Checkout or the Customer Portal. */
export const billingRedirectView = z
  .object({ url: z.string().describe("A page of Stripe's: send the browser there.") })
  .meta({ id: 'BillingRedirect' });

// The revenue view (GET /api/admin/billing/revenue).

/** A real calendar day written YYYY-MM-DD (2026-02-30 is refused, not rolled over). */
const calendarDay = z.string().refine((day) => {
  // The shape first: the refinement runs whatever the other checks said.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date)).toISOString().slice(0, 10) === day;
}, 'days are calendar days written YYYY-MM-DD');

/** The longest range one report covers, in days (a leap year). */
export const REVENUE_MAX_DAYS = 366;

export const revenueQuery = z.object({
  from: calendarDay
    .optional()
    .describe('The first day, YYYY-MM-DD in the display time zone (default: the first of this month).'),
  to: calendarDay.optional().describe('The last day, included (default: the last of this month).'),
});

const amounts = z
  .array(z.object({ currency: z.string().describe('Lowercase ISO 4217.'), amount: z.number().int() }))
  .describe('One entry per currency, in its minor unit, never converted.');

export const revenueView = z
  .object({
    from: z.string(),
    to: z.string(),
    totals: amounts.describe('amount_paid of the invoices paid in the range, each invoice once.'),
    mrr: amounts.describe(
      'Monthly recurring revenue of the subscriptions that give access now (active, trialing, past_due): a monthly price counts whole, a yearly one as a twelfth (the sum of yearly prices divided by 12, rounded half up, once per currency).',
    ),
    subscribersByPlan: z.array(z.object({ planId: z.string(), name: z.string(), count: z.number().int() })),
    users: z.array(
      z.object({
        userId: z.string(),
        plan: z.object({ id: z.string(), name: z.string() }).nullable(),
        status: billingView.shape.status,
        cancelAtPeriodEnd: z
          .boolean()
          .describe('The subscription that gives access ends at its period end (cancelling); beyond DESIGN §6, added.'),
        revenue: amounts,
        globalCostMicrousd: z
          .number()
          .describe('What the user cost on the global keys in the range (the usage ledger).'),
      }),
    ),
  })
  .meta({ id: 'BillingRevenue', description: 'What the subscriptions brought in against what each user cost.' });
export type RevenueView = z.infer<typeof revenueView>;
