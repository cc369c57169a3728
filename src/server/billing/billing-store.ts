// The billing module's rows: plans, the one settings row and the grants (Stripe's side, the
// subscriptions and events: subscription-store.ts; the revenue view's sums: revenue.ts). What the
// gate reads on every call is cached by billing-access.ts.
import { asc, eq } from 'drizzle-orm';
import type { AuditDetails } from '../../shared/audit.ts';
import type { PlanView } from '../../shared/billing.ts';
import type { BudgetLimitsView } from '../../shared/limits.ts';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.ts';
import type { Database } from '../db/client.ts';
import { billingSettings, plan, planGrant } from '../db/schema/billing.ts';

export const NO_BUDGETS: BudgetLimitsView = {
  dayMicrousd: null,
  monthMicrousd: null,
  dayTokens: null,
  monthTokens: null,
};

type PlanRow = typeof plan.$inferSelect;
export type SettingsRow = typeof billingSettings.$inferSelect;
export type GrantRow = typeof planGrant.$inferSelect;

export const planViewOf = (row: PlanRow): PlanView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  active: row.active,
  prices: { month: row.monthPrice ?? null, year: row.yearPrice ?? null },
  budgets: row.budgets,
  models: row.models ?? null,
});

type PlanPriceSlot = PlanView['prices']['month'];

export interface PlanChange {
  name?: string;
  description?: string;
  active?: boolean;
  /** As read from Stripe (stripe-prices.ts); null: no price for the interval. */
  monthPrice?: PlanPriceSlot;
  yearPrice?: PlanPriceSlot;
  budgets?: BudgetLimitsView;
  models?: string[] | null;
}

export type SettingsChange = Partial<Pick<SettingsRow, 'policy' | 'freeAllowance' | 'graceDays' | 'usdPerCurrency'>>;

const SETTINGS_ID = 1;

/** Who changes billing: an admin's request (their id is kept on the row too). */
export type BillingActor = AuditActor & { userId: string };

const LIMITS = ['dayMicrousd', 'monthMicrousd', 'dayTokens', 'monthTokens'] as const;

/** `name` → after and `nameBefore` → before, when they differ. */
function addChange(
  details: AuditDetails,
  name: string,
  before: string | number | boolean | null,
  after: string | number | boolean | null,
) {
  if (before === after) return;
  details[`${name}Before`] = before;
  details[name] = after;
}

/** Each limit of a budget that changed, as `<prefix>DayMicrousd` and its `…Before`. */
function addBudgetChanges(
  details: AuditDetails,
  prefix: string,
  before: BudgetLimitsView | null | undefined,
  after: BudgetLimitsView | null | undefined,
) {
  for (const limit of LIMITS) {
    addChange(
      details,
      `${prefix}${limit[0]?.toUpperCase()}${limit.slice(1)}`,
      before?.[limit] ?? null,
      after?.[limit] ?? null,
    );
  }
}

/** A plan's facts for the trail: its name, whether offered, its prices' ids and its budgets. */
function planChanges(before: PlanRow | null, after: PlanRow): AuditDetails {
  const details: AuditDetails = { name: after.name };
  if (before) addChange(details, 'name', before.name, after.name);
  addChange(details, 'active', before?.active ?? null, after.active);
  addChange(details, 'monthPrice', before?.monthPrice?.stripePriceId ?? null, after.monthPrice?.stripePriceId ?? null);
  addChange(details, 'yearPrice', before?.yearPrice?.stripePriceId ?? null, after.yearPrice?.stripePriceId ?? null);
  addBudgetChanges(details, 'budget', before?.budgets, after.budgets);
  addChange(details, 'models', before ? (before.models?.length ?? null) : null, after.models?.length ?? null);
  details.created = before === null;
  return details;
}

/** Every plan, oldest first (the sync command reads them without the store). */
export async function listPlans(db: Database): Promise<PlanView[]> {
  const rows = await db.select().from(plan).orderBy(asc(plan.createdAt), asc(plan.id));
  return rows.map(planViewOf);
}

export function createBillingStore(db: Database, audit: AuditTrail) {
  return {
    plans: () => listPlans(db),

    async createPlan(fields: Required<Omit<PlanChange, 'active'>>, actor: BillingActor): Promise<PlanView> {
      return db.transaction(async (tx) => {
        const [row] = await tx.insert(plan).values(fields).returning();
        if (!row) throw new Error('plan insert returned no row');
        await audit.record(tx, {
          action: 'plan.changed',
          actor,
          target: { kind: 'plan', id: row.id },
          details: planChanges(null, row),
        });
        return planViewOf(row);
      });
    },

    /** null when no such plan. */
    async updatePlan(id: string, change: PlanChange, actor: BillingActor): Promise<PlanView | null> {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(plan).where(eq(plan.id, id)).for('update');
        if (!before) return null;
        const [row] = await tx
          .update(plan)
          .set({ ...change, updatedAt: new Date() })
          .where(eq(plan.id, id))
          .returning();
        if (!row) return null;
        await audit.record(tx, {
          action: 'plan.changed',
          actor,
          target: { kind: 'plan', id },
          details: planChanges(before, row),
        });
        return planViewOf(row);
      });
    },

    /** No row yet: null (the defaults apply). */
    async settings(): Promise<SettingsRow | null> {
      const [row] = await db.select().from(billingSettings).where(eq(billingSettings.id, SETTINGS_ID));
      return row ?? null;
    },

    async updateSettings(change: SettingsChange, actor: BillingActor) {
      const values = { ...change, updatedBy: actor.userId, updatedAt: new Date() };
      await db.transaction(async (tx) => {
        const [before] = await tx.select().from(billingSettings).where(eq(billingSettings.id, SETTINGS_ID));
        await tx
          .insert(billingSettings)
          .values({ id: SETTINGS_ID, ...values })
          .onConflictDoUpdate({ target: billingSettings.id, set: values });
        const details: AuditDetails = {};
        if (change.policy !== undefined) addChange(details, 'policy', before?.policy ?? null, change.policy);
        if (change.graceDays !== undefined)
          addChange(details, 'graceDays', before?.graceDays ?? null, change.graceDays);
        if (change.freeAllowance !== undefined) {
          addBudgetChanges(details, 'freeAllowance', before?.freeAllowance, change.freeAllowance);
        }
        for (const [currency, rate] of Object.entries(change.usdPerCurrency ?? {})) {
          if (/^[a-z]{3}$/.test(currency))
            addChange(details, `usdPer_${currency}`, before?.usdPerCurrency?.[currency] ?? null, rate);
        }
        await audit.record(tx, {
          action: 'billing.policy_changed',
          actor,
          target: { kind: 'billing', id: 'settings' },
          details,
        });
      });
    },

    async grant(userId: string): Promise<GrantRow | null> {
      const [row] = await db.select().from(planGrant).where(eq(planGrant.userId, userId));
      return row ?? null;
    },

    async setGrant(userId: string, planId: string, until: Date | null, actor: BillingActor) {
      const values = { planId, until, grantedBy: actor.userId, createdAt: new Date() };
      await db.transaction(async (tx) => {
        const [before] = await tx.select().from(planGrant).where(eq(planGrant.userId, userId));
        await tx
          .insert(planGrant)
          .values({ userId, ...values })
          .onConflictDoUpdate({ target: planGrant.userId, set: values });
        const [granted] = await tx.select({ name: plan.name }).from(plan).where(eq(plan.id, planId));
        await audit.record(tx, {
          action: 'plan.granted',
          actor,
          target: { kind: 'plan', id: planId },
          subjectUserId: userId,
          details: {
            plan: granted?.name ?? null,
            until: until?.toISOString() ?? null,
            previousPlanId: before?.planId ?? null,
          },
        });
      });
    },

    /** Nothing to remove is no change: no row. */
    async removeGrant(userId: string, actor: BillingActor) {
      await db.transaction(async (tx) => {
        const removed = await tx.delete(planGrant).where(eq(planGrant.userId, userId)).returning();
        const [was] = removed;
        if (!was) return;
        await audit.record(tx, {
          action: 'plan.revoked',
          actor,
          target: { kind: 'plan', id: was.planId },
          subjectUserId: userId,
          details: { until: was.until?.toISOString() ?? null },
        });
      });
    },
  };
}

export type BillingStore = ReturnType<typeof createBillingStore>;
