// The display settings: the currency money is shown in with its dated rate (billing's
// usdPerCurrency, one set of rates), and the time zone days begin in, which budgets and statistics
// follow from the admin's change on. Who may change them, and what is refused.
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOfDay } from '../src/server/metering/periods.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { member, NO_LIMITS, setLimits, v1 } from './helpers/limits.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let alice: Client;

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env });
  admin = await signUp(test.app);
  alice = await signUp(test.app);
  await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() });
});

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

const display = async (client: Client) => (await client.get('/api/settings/display')).json();
const put = (client: Client, body: unknown) => client.put('/api/admin/settings/display', body);

describe('display settings', () => {
  it('start as dollars in WEBOX_TIMEZONE, not chosen, for every signed-in user', async () => {
    expect(await display(alice)).toEqual({ currency: 'usd', rate: null, timeZone: 'UTC', timeZoneChosen: false });
    expect((await test.app.inject({ method: 'GET', url: '/api/settings/display' })).statusCode).toBe(401);
  });

  it('are an admin’s to change, and refuse what is not a currency, a rate or a zone, changing nothing', async () => {
    const refused = await put(alice, { currency: 'eur', usdPerUnit: 1.08 });
    expect(refused.statusCode).toBe(403);
    for (const body of [
      { timeZone: 'Europe/Nowhere' },
      { timeZone: '+01:00' },
      { timeZone: '' },
      { currency: 'EUR', usdPerUnit: 1.08 },
      { currency: 'xyz', usdPerUnit: 1 },
      { currency: 'euro', usdPerUnit: 1 },
      { currency: 'eur', usdPerUnit: 0 },
      { currency: 'eur', usdPerUnit: -1 },
      { currency: 'eur', rate: 1.08 },
      {},
    ]) {
      const answer = await put(admin, body);
      expect(answer.statusCode, JSON.stringify(body)).toBe(400);
      expect(answer.json().error.code).toBe('invalid_request');
    }
    const noRate = await put(admin, { currency: 'gbp' });
    expect(noRate.statusCode).toBe(400);
    expect(noRate.json().error).toMatchObject({ code: 'invalid_request' });
    expect(noRate.json().error.message).toContain('no exchange rate for GBP');
    const dollarRate = await put(admin, { usdPerUnit: 2 });
    expect(dollarRate.statusCode).toBe(400);
    expect(await display(alice)).toEqual({ currency: 'usd', rate: null, timeZone: 'UTC', timeZoneChosen: false });
  });

  it('show euros at the rate the admin set, dated, kept in billing’s rates and dated anew when billing changes it', async () => {
    const before = Date.now();
    const set = await put(admin, { currency: 'eur', usdPerUnit: 1.08 });
    expect(set.statusCode).toBe(200);
    const view = set.json();
    expect(view).toMatchObject({ currency: 'eur', rate: { usdPerUnit: 1.08 }, timeZone: 'UTC', timeZoneChosen: false });
    expect(Date.parse(view.rate.since)).toBeGreaterThanOrEqual(before - 1000);
    expect(await display(alice)).toEqual(view);
    expect((await admin.get('/api/admin/billing')).json().usdPerCurrency).toEqual({ eur: 1.08 });

    // The billing page's rates are the same rates: a change there is the display's, dated from then.
    await admin.put('/api/admin/billing', { usdPerCurrency: { eur: 1.1, gbp: 1.27 } });
    const after = await display(alice);
    expect(after.rate.usdPerUnit).toBe(1.1);
    expect(Date.parse(after.rate.since)).toBeGreaterThanOrEqual(Date.parse(view.rate.since));
    // The history keeps every rate, each with its date.
    const history = await test.app.database.query<{ currency: string; usd_per_unit: number }>(
      'select currency, usd_per_unit from currency_rate order by effective_from, currency',
      [],
    );
    expect(history.rows.map((row) => [row.currency, Number(row.usd_per_unit)])).toEqual([
      ['eur', 1.08],
      ['eur', 1.1],
      ['gbp', 1.27],
    ]);
    // Now that GBP has a rate, it may be chosen alone.
    expect((await put(admin, { currency: 'gbp' })).json()).toMatchObject({
      currency: 'gbp',
      rate: { usdPerUnit: 1.27 },
    });
    // A rate removed on the billing page: dollars are shown again.
    await admin.put('/api/admin/billing', { usdPerCurrency: { eur: 1.1 } });
    expect((await display(alice)).currency).toBe('usd');
    await put(admin, { currency: 'eur', usdPerUnit: 1.08 });
  });

  it('write the usage CSV in euros at the rate, beside the exact micro-dollars', async () => {
    const user = await member(test);
    expect(
      (await v1(test, user.token, { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] })).statusCode,
    ).toBe(200);
    await test.app.metering.ledger.flush();
    const json = (await admin.get('/api/admin/usage?groupBy=model')).json();
    const csv = await admin.request({
      method: 'GET',
      url: '/api/admin/usage?groupBy=model&format=csv',
      headers: { 'accept-language': 'fr' },
    });
    const rows: Record<string, string>[] = parse(csv.body, { delimiter: ';', bom: true, columns: true });
    expect(rows).toHaveLength(json.series.length);
    for (const [index, row] of json.series.entries()) {
      const line = rows[index] ?? {};
      expect(Number(line['Coût (micro-dollars)'])).toBe(row.costMicrousd);
      expect(Number((line['Coût (EUR)'] ?? '').replace(',', '.'))).toBeCloseTo(row.costMicrousd / 1e6 / 1.08, 6);
    }
  });

  it('put days in the zone the admin chose: a daily budget resets at local midnight, rows keep the day they were counted in', async () => {
    const user = await member(test);
    const limit = 1_000_000_000;
    await setLimits(admin, user.id, { global: { ...NO_LIMITS, dayMicrousd: limit } });
    const body = { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'What day is it?' }] };
    const dayLine = async () => {
      await test.app.metering.ledger.flush();
      const answer = (await user.client.get('/api/limits')).json();
      return {
        timezone: answer.timezone as string,
        line: answer.budgets.find((line: { period: string }) => line.period === 'day'),
      };
    };
    const rowDays = async () => {
      await test.app.metering.ledger.flush();
      const result = await test.app.database.db.execute(
        sql`select day::text as day from usage_daily where user_id = ${user.id} order by day`,
      );
      return (result as unknown as { rows: { day: string }[] }).rows.map((row) => row.day);
    };
    const today = (zone: string) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
        new Date(),
      );
    const tomorrow = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

    // UTC+14 and UTC−11: 25 hours apart, never on the same calendar day.
    const east = 'Pacific/Kiritimati';
    const west = 'Pacific/Pago_Pago';
    const chosen = (await put(admin, { timeZone: east })).json();
    expect(chosen).toMatchObject({ timeZone: east, timeZoneChosen: true });
    expect((await v1(test, user.token, body)).statusCode).toBe(200);
    const first = await dayLine();
    expect(first.timezone).toBe(east);
    expect(first.line.spent).toBeGreaterThan(0);
    expect(first.line.resetsAt).toBe(startOfDay(east, tomorrow(today(east))).toISOString());
    expect(await rowDays()).toEqual([today(east)]);

    await put(admin, { timeZone: west });
    const moved = await dayLine();
    // Another day there: nothing spent yet, and it resets at the next midnight in Pago Pago.
    expect(moved.line.spent).toBe(0);
    expect(moved.line.resetsAt).toBe(startOfDay(west, tomorrow(today(west))).toISOString());
    expect((await v1(test, user.token, body)).statusCode).toBe(200);
    expect(await rowDays()).toEqual([today(west), today(east)].sort());
    expect((await dayLine()).line.spent).toBeGreaterThan(0);
    expect((await alice.get('/api/usage/report')).json().timezone).toBe(west);

    // Back to east: the first row still counts there, the second stays on its own day.
    await put(admin, { timeZone: east });
    expect((await dayLine()).line.spent).toBe(first.line.spent);

    // The zone is given back canonical, and null gives WEBOX_TIMEZONE back.
    expect((await put(admin, { timeZone: 'europe/paris' })).json().timeZone).toBe('Europe/Paris');
    expect((await put(admin, { timeZone: null })).json()).toMatchObject({ timeZone: 'UTC', timeZoneChosen: false });
  });
});
