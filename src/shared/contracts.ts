// Request bodies shared by the server (route schemas) and the web app (forms), written once.
import { z } from 'zod';
import { modelIdField } from './model-id.ts';
import { messageText, singleLineText } from './text.ts';

/** PUT /api/keys/:provider and PUT /api/admin/keys/:provider. Format checks happen in the vault. */
export const saveKeyBody = z.object({
  apiKey: z.string({ error: 'apiKey is required and must be a string' }).max(4096, 'apiKey is far too long'),
  verify: z.boolean().optional(),
});

export const chatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: messageText({ max: 1_000_000 }),
});

export const chatBody = z.object({
  provider: singleLineText({ min: 1, max: 64 }),
  model: modelIdField,
  messages: z.array(chatMessage).min(1, 'messages must hold at least one message').max(1000),
  stream: z.boolean().optional(),
});

export const createUserBody = z.object({
  name: singleLineText({ trim: true, min: 1, max: 200 }),
  email: z.email().max(320),
  password: z.string().min(8, 'password must be at least 8 characters').max(256),
  role: z.enum(['admin', 'user']).optional(),
});

export const updateUserBody = z
  .object({
    role: z.enum(['admin', 'user']).optional(),
    disabled: z.boolean().optional(),
    name: singleLineText({ trim: true, min: 1, max: 200 }).optional(),
  })
  .refine(
    (body) => body.role !== undefined || body.disabled !== undefined || body.name !== undefined,
    'give role, disabled or name',
  );

export const providerParams = z.object({
  provider: singleLineText({ min: 1, max: 64 }).describe('A provider id, as GET /api/providers lists them.'),
});
export const idParams = z.object({ id: singleLineText({ min: 1, max: 200 }) });

/** POST /api/tokens. */
export const createTokenBody = z.object({
  name: singleLineText({ trim: true, min: 1, max: 100 }),
  expiresAt: z.iso.datetime({ offset: true }).nullish(),
  /** The token's own limit, under its owner's: for a script that must not use up the owner's minute. */
  requestsPerMinute: z.number().int().min(1).max(1_000_000).nullish(),
});

/** GET /api/usage and /api/admin/usage: a range of days (inclusive, operator's time zone). */
/** An export's language (CSV headers, separators, decimal marks); absent: the Accept-Language header's. */
export const csvLanguageQuery = z
  .enum(['fr', 'en'])
  .optional()
  .describe(
    "CSV only: the reader's language (fr: `;` and decimal commas; en: `,` and points). Default: Accept-Language, else fr.",
  );

/** A log's listing as JSON pages, or the whole of it as one CSV file (the request log, the journal). */
export const logExportQuery = {
  format: z
    .enum(['json', 'csv'])
    .default('json')
    .describe('csv: every matching row (cursor and limit ignored), streamed as a CSV attachment.'),
  lang: csvLanguageQuery,
};

export const usageQuery = z.object({
  from: singleLineText({ max: 10 })
    .optional()
    .describe('The first day, YYYY-MM-DD (default: the first of this month).'),
  to: singleLineText({ max: 10 }).optional().describe('The last day, included, YYYY-MM-DD (default: today).'),
  groupBy: z
    .enum(['day', 'provider', 'model', 'source', 'user'])
    .default('day')
    .describe('One row per day, provider, provider/model, key source, or (admins) user.'),
  userId: singleLineText({ min: 1, max: 200 }).optional().describe('Admins: only this user.'),
  format: z.enum(['json', 'csv']).default('json').describe('csv: the series as a CSV attachment.'),
  lang: csvLanguageQuery,
});

/** GET /api/usage/report and /api/admin/usage/report: one range (userId for admins only). */
export const usageReportQuery = z.object({
  from: singleLineText({ max: 10 }).optional(),
  to: singleLineText({ max: 10 }).optional(),
  userId: singleLineText({ min: 1, max: 200 }).optional(),
});

/** POST /api/admin/prices: a price that applies from a date (history is never rewritten). */
export const addPriceBody = z.object({
  provider: singleLineText({ min: 1, max: 64 }),
  model: singleLineText({ min: 1, max: 200 }),
  effectiveFrom: z.iso.datetime({ offset: true }),
  inputMicrousdPerMtok: z.number().int().min(0).max(1e12),
  outputMicrousdPerMtok: z.number().int().min(0).max(1e12),
  cachedInputMicrousdPerMtok: z.number().int().min(0).max(1e12).nullish(),
});

const limitAmount = z.number().int().min(0).max(1e15).nullable();

/** One key source's budgets: micro-dollars and tokens per day and month, null for no limit. */
export const budgetLimitsBody = z.object({
  dayMicrousd: limitAmount,
  monthMicrousd: limitAmount,
  dayTokens: limitAmount,
  monthTokens: limitAmount,
});

/** PUT /api/admin/limits/default. */
export const defaultLimitsBody = z.object({
  global: budgetLimitsBody,
  personal: budgetLimitsBody,
  minUsefulOutputTokens: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .nullable()
    .optional()
    .describe(
      'The shortest answer worth giving: a request the budget left cannot cover whole is capped to the output that fits, and refused below this many output tokens. Left out: unchanged; null: the default (256).',
    ),
});

/** PUT /api/admin/users/:id/limits: null gives the user back the default. */
export const userLimitsBody = z.object({
  global: budgetLimitsBody.nullable(),
  personal: budgetLimitsBody.nullable(),
  requestsPerMinute: z.number().int().min(1).max(1_000_000).nullable(),
  tokensPerMinute: z.number().int().min(1).max(1_000_000_000).nullable(),
});
