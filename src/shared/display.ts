// How money and days are shown (GET /api/settings/display, PUT /api/admin/settings/display): the
// display currency and its exchange rate, and the time zone days begin in. The ledger, budgets and
// prices stay in micro-dollars; only what is shown (and exported) is converted.
import { z } from 'zod';

/** Lowercase ISO 4217 codes the runtime knows (eur, gbp, chf, …). */
export const currencyCode = z
  .string()
  .regex(/^[a-z]{3}$/, 'currencies are lowercase ISO 4217 codes (eur, gbp, …)')
  .refine(
    (code) => Intl.supportedValuesOf('currency').includes(code.toUpperCase()),
    'not an ISO 4217 currency code this server knows',
  );

/** An IANA time zone (Europe/Paris), given back in its canonical spelling. Offsets (+01:00) are refused. */
export const timeZoneName = z
  .string()
  .min(1)
  .max(100)
  .refine((zone) => /^[A-Za-z]/.test(zone) && canonicalTimeZone(zone) !== null, 'not an IANA time zone (Europe/Paris)')
  .transform((zone) => canonicalTimeZone(zone) ?? zone);

export function canonicalTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export const displayRate = z
  .object({
    usdPerUnit: z.number().describe('Dollars per unit of the display currency.'),
    since: z.string().describe('ISO 8601 UTC instant from which the rate applies (when the admin set it).'),
  })
  .meta({ id: 'DisplayRate' });

export const displaySettingsView = z
  .object({
    currency: z.string().describe('Lowercase ISO 4217; money is shown in it (the ledger stays in micro-dollars).'),
    rate: displayRate
      .nullable()
      .describe('The rate in force; null for usd. Past amounts are shown at this rate too (with its date).'),
    timeZone: z.string().describe('Where days begin for budgets and statistics (IANA).'),
    timeZoneChosen: z
      .boolean()
      .describe('Whether an admin chose the zone; false: WEBOX_TIMEZONE (UTC by default) applies.'),
  })
  .meta({ id: 'DisplaySettings', description: 'How money and days are shown.' });
export type DisplaySettingsView = z.infer<typeof displaySettingsView>;

export const displaySettingsBody = z
  .strictObject({
    currency: currencyCode,
    usdPerUnit: z.number().positive().max(1e9).describe('Dollars per unit of `currency` (or of the current one).'),
    timeZone: timeZoneName.nullable().describe('null: back to WEBOX_TIMEZONE (timeZoneChosen false).'),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'Give at least one field to change.');
export type DisplaySettingsBody = z.infer<typeof displaySettingsBody>;
