// The usage statistics answer (GET /api/usage, /api/admin/usage) and the price list
// (/api/admin/prices), shared by the server's route schemas and the web app's types. Money is
// integer micro-dollars (1 USD = 1,000,000).
import { z } from 'zod';

export const usageTotals = z
  .object({
    requests: z.number().int(),
    errors: z.number().int().describe('Requests that ended in an error, refusals before the provider included.'),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    cachedInputTokens: z.number().int(),
    costMicrousd: z.number().int(),
    globalCostMicrousd: z.number().int().describe('What the operator pays: the cost on global keys.'),
    personalCostMicrousd: z.number().int(),
  })
  .meta({ id: 'UsageTotals', description: 'Sums over the daily rollups of a range.' });

export const usageRow = usageTotals
  .extend({
    key: z.string().describe('The day (YYYY-MM-DD), provider, `provider/model`, key source or user id of the row.'),
    name: z.string().optional().describe('With groupBy=user.'),
    email: z.string().optional().describe('With groupBy=user.'),
  })
  .meta({ id: 'UsageRow', description: "One group's totals." });

export const usageReport = z
  .object({
    from: z.string().describe('The first day, YYYY-MM-DD (default: the first of this month).'),
    to: z.string().describe('The last day, included, YYYY-MM-DD (default: today).'),
    timezone: z.string().describe("Where days begin (the display time zone: an admin's choice, else WEBOX_TIMEZONE)."),
    groupBy: z.enum(['day', 'provider', 'model', 'source', 'user']),
    totals: usageTotals,
    series: z
      .array(usageRow)
      .describe('By day: in order. Otherwise by cost, highest first; by user, highest global cost first.'),
  })
  .meta({ id: 'UsageReport', description: 'Usage over a range of days, totals and one row per group.' });

/** A dated price of one model (per million tokens); the one in force is the latest not in the future. */
export const modelPriceView = z
  .object({
    id: z.string(),
    provider: z.string(),
    model: z.string(),
    effectiveFrom: z.iso.datetime(),
    inputMicrousdPerMtok: z.number().int(),
    outputMicrousdPerMtok: z.number().int(),
    cachedInputMicrousdPerMtok: z.number().int().nullable().describe('null: cached input costs the input price.'),
    createdBy: z.string().nullable().describe("The admin's id who added it; `catalogue` for the seeded list prices."),
  })
  .meta({ id: 'ModelPrice', description: 'A price that applies from `effectiveFrom` until the next one.' });

export const modelPriceList = z
  .object({ prices: z.array(modelPriceView) })
  .describe('Every price, by model, oldest first.');

/** POST /api/admin/prices: the price as stored. */
export const addedModelPrice = modelPriceView
  .extend({ createdAt: z.iso.datetime() })
  .meta({ id: 'AddedModelPrice', description: 'The new price, as stored.' });

export type UsageTotals = z.infer<typeof usageTotals>;
export type UsageRow = z.infer<typeof usageRow>;
export type UsageReport = z.infer<typeof usageReport>;

/**
 * GET /api/usage/report and /api/admin/usage/report: what the usage page shows for one range, in
 * one answer: the totals and the series by day and by model (and, for admins, by user).
 */
export const usageRangeReport = z
  .object({
    from: z.string().describe('The first day, YYYY-MM-DD (default: the first of this month).'),
    to: z.string().describe('The last day, included, YYYY-MM-DD (default: today).'),
    timezone: z.string().describe("Where days begin (the display time zone: an admin's choice, else WEBOX_TIMEZONE)."),
    totals: usageTotals,
    series: z.object({
      day: z.array(usageRow).describe('By day, in order (days without requests left out).'),
      model: z.array(usageRow).describe('By `provider/model`, by cost, highest first.'),
      user: z
        .array(usageRow)
        .optional()
        .describe('Admins without userId only: by user, highest global cost first, with name and email.'),
    }),
  })
  .meta({
    id: 'UsageRangeReport',
    description: "A range's totals and its series by day, model (and user), read together.",
  });

export type UsageRangeReport = z.infer<typeof usageRangeReport>;
