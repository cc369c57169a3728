// The billing module's rows: plans, the one settings row and the grants (Stripe's side, the
// subscriptions and events: subscription-store.ts; the revenue view's sums: revenue.ts). What the
// gate reads on every call is cached by billing-access.ts.
import { asc, eq } from 'drizzle-orm';
import type { PlanView } from '../../shared/billing.ts';
import type { BudgetLimitsView } from '../../shared/limits.ts';
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

export function createBillingStore(db: Database) {
  return {
    async plans(): Promise<PlanView[]> {
      const rows = await db.select().from(plan).orderBy(asc(plan.createdAt), asc(plan.id));
      return rows.map(planViewOf);
    },

    async createPlan(fields: Required<Omit<PlanChange, 'active'>>): Promise<PlanView> {
      const [row] = await db.insert(plan).values(fields).returning();
      if (!row) throw new Error('plan insert returned no row');
      return planViewOf(row);
    },

    /** null when no such plan. */
    async updatePlan(id: string, change: PlanChange): Promise<PlanView | null> {
      const [row] = await db
        .update(plan)
        .set({ ...change, updatedAt: new Date() })
        .where(eq(plan.id, id))
        .returning();
      return row ? planViewOf(row) : null;
    },

    /** No row yet: null (the defaults apply). */
    async settings(): Promise<SettingsRow | null> {
      const [row] = await db.select().from(billingSettings).where(eq(billingSettings.id, SETTINGS_ID));
      return row ?? null;
    },

    async updateSettings(change: SettingsChange, adminId: string) {
      const values = { ...change, updatedBy: adminId, updatedAt: new Date() };
      await db
        .insert(billingSettings)
        .values({ id: SETTINGS_ID, ...values })
        .onConflictDoUpdate({ target: billingSettings.id, set: values });
    },

    async grant(userId: string): Promise<GrantRow | null> {
      const [row] = await db.select().from(planGrant).where(eq(planGrant.userId, userId));
      return row ?? null;
    },

    async setGrant(userId: string, planId: string, until: Date | null, adminId: string) {
      const values = { planId, until, grantedBy: adminId, createdAt: new Date() };
      await db
        .insert(planGrant)
        .values({ userId, ...values })
        .onConflictDoUpdate({ target: planGrant.userId, set: values });
    },

    async removeGrant(userId: string) {
      await db.delete(planGrant).where(eq(planGrant.userId, userId));
    },
  };
}

export type BillingStore = ReturnType<typeof createBillingStore>;
