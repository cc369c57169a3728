// The display module's rows: the one settings row (currency, time zone) and the dated exchange
// rates (the latest per currency is the one in force).
import { desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { currencyRate, displaySettings } from '../db/schema/display.ts';

const SETTINGS_ID = 1;

export interface DisplayRow {
  currency: string;
  /** null: no admin chose one (WEBOX_TIMEZONE applies). */
  timeZone: string | null;
}

export interface RateInForce {
  usdPerUnit: number;
  since: Date;
}

export function createDisplayStore(db: Database) {
  return {
    async settings(): Promise<DisplayRow> {
      const [row] = await db.select().from(displaySettings).where(eq(displaySettings.id, SETTINGS_ID));
      return { currency: row?.currency ?? 'usd', timeZone: row?.timeZone ?? null };
    },

    async updateSettings(change: Partial<DisplayRow>, adminId: string) {
      const values = { ...change, updatedBy: adminId, updatedAt: new Date() };
      await db
        .insert(displaySettings)
        .values({ id: SETTINGS_ID, ...values })
        .onConflictDoUpdate({ target: displaySettings.id, set: values });
    },

    /** The latest rate of each currency (a few rows per currency: the table is read whole). */
    async ratesInForce(): Promise<Map<string, RateInForce>> {
      const rows = await db
        .select()
        .from(currencyRate)
        .orderBy(desc(currencyRate.effectiveFrom), desc(currencyRate.id));
      const rates = new Map<string, RateInForce>();
      for (const row of rows) {
        if (!rates.has(row.currency)) rates.set(row.currency, { usdPerUnit: row.usdPerUnit, since: row.effectiveFrom });
      }
      return rates;
    },

    async addRates(rates: Record<string, number>, adminId: string, at = new Date()) {
      const rows = Object.entries(rates).map(([currency, usdPerUnit]) => ({
        currency,
        usdPerUnit,
        effectiveFrom: at,
        createdBy: adminId,
      }));
      if (rows.length > 0) await db.insert(currencyRate).values(rows);
    },
  };
}

export type DisplayStore = ReturnType<typeof createDisplayStore>;
