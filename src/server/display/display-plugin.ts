// The display module as app.display: the currency money is shown in, its dated exchange rates, and
// the time zone days begin in (an admin's choice, else WEBOX_TIMEZONE). Held in memory as one
// snapshot read again on every instance when it changes (the change bus), because the zone is read
// on every budgeted request and every usage row. Registered before metering, which asks it the zone.
import fastifyPlugin from 'fastify-plugin';
import type { DisplaySettingsView } from '../../shared/display.ts';
import { createCachedSnapshot } from '../cache/cached-snapshot.ts';
import { createDisplayStore, type DisplayRow, type RateInForce } from './display-store.ts';

export const DISPLAY_CHANNEL = 'display-settings';
/** Read again after this long even without a notice (a safety net: every change sends one). */
const CACHE_TTL_MS = 60_000;

interface Snapshot {
  row: DisplayRow;
  rates: Map<string, RateInForce>;
}

export interface Display {
  /** Where days begin now: the admin's zone, else WEBOX_TIMEZONE. Synchronous (the hot path reads it). */
  timeZone(): string;
  /**
   * What is shown, given billing's current rates (usdPerCurrency, the rates in force): a currency
   * whose rate is not there any more (removed on the billing page) shows dollars again.
   */
  view(usdPerCurrency: Record<string, number>): DisplaySettingsView;
  /** The rate in force of a currency (null: none; usd has none). */
  rateOf(currency: string, usdPerCurrency: Record<string, number>): DisplaySettingsView['rate'];
  update(change: Partial<DisplayRow>, adminId: string): Promise<void>;
  /** New rates (dollars per unit) apply from now on; billing writes them into usdPerCurrency too. */
  ratesSet(rates: Record<string, number>, adminId: string): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    display: Display;
  }
}

export const displayPlugin = fastifyPlugin(
  async (app) => {
    const store = createDisplayStore(app.database.db);
    const snapshot = createCachedSnapshot<Snapshot>({
      load: async () => {
        const [row, rates] = await Promise.all([store.settings(), store.ratesInForce()]);
        return { row, rates };
      },
      initial: { row: { currency: 'usd', timeZone: null }, rates: new Map() },
      maxAgeMs: CACHE_TTL_MS,
    });
    snapshot.follow(app.bus, DISPLAY_CHANNEL);
    await snapshot.refresh();
    const defaultZone = app.config.timezone;

    const changed = async () => {
      // This instance reads it again before answering; the others on the bus's notice.
      await snapshot.invalidate();
      await app.bus.publish(DISPLAY_CHANNEL, 'changed');
    };

    const rateOf: Display['rateOf'] = (currency, usdPerCurrency) => {
      const usdPerUnit = usdPerCurrency[currency];
      if (currency === 'usd' || usdPerUnit === undefined) return null;
      const dated = snapshot.current().rates.get(currency);
      // A rate billing holds always has its dated row (both are written together; the migration
      // carried the earlier ones over), so `since` falls back only should they ever disagree.
      const since = dated && dated.usdPerUnit === usdPerUnit ? dated.since : (dated?.since ?? new Date(0));
      return { usdPerUnit, since: since.toISOString() };
    };

    app.decorate('display', {
      timeZone: () => snapshot.current().row.timeZone ?? defaultZone,
      view(usdPerCurrency) {
        const { row } = snapshot.current();
        const rate = rateOf(row.currency, usdPerCurrency);
        return {
          currency: rate ? row.currency : 'usd',
          rate,
          timeZone: row.timeZone ?? defaultZone,
          timeZoneChosen: row.timeZone !== null,
        };
      },
      rateOf,
      async update(change, adminId) {
        await store.updateSettings(change, adminId);
        await changed();
      },
      async ratesSet(rates, adminId) {
        const dated = Object.fromEntries(Object.entries(rates).filter(([currency]) => currency !== 'usd'));
        if (Object.keys(dated).length === 0) return;
        await store.addRates(dated, adminId);
        await changed();
      },
    } satisfies Display);
  },
  { name: 'webox-display', dependencies: ['webox-database'] },
);
