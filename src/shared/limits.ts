// Budgets and rate limits as the API answers them (GET /api/limits, /api/admin/limits), shared by
// the server's route schemas and the web app's types. Money is integer micro-dollars; tokens count
// input + output.
import { z } from 'zod';

const keySourceName = z.enum(['global', 'personal']);

/** Where a limit in force comes from: the order is user > group > plan > default. */
export const budgetOrigin = z
  .enum(['user', 'group', 'plan', 'default'])
  .describe(
    "Who set this limit: the admin for this user ('user'), the user's group, their plan (or billing's free allowance), or the default.",
  );

/** One key source's budgets; null means no limit. */
export const budgetLimitsView = z
  .object({
    dayMicrousd: z.number().int().nullable(),
    monthMicrousd: z.number().int().nullable(),
    dayTokens: z.number().int().nullable(),
    monthTokens: z.number().int().nullable(),
  })
  .meta({ id: 'BudgetLimits', description: "One key source's budgets per day and month; null: no limit." });

/** One limit's state. */
export const budgetLineView = z
  .object({
    source: keySourceName,
    period: z.enum(['day', 'month']),
    unit: z.enum(['microusd', 'tokens']),
    limit: z.number(),
    spent: z.number(),
    held: z.number().describe('Reserved by requests still running (their worst case).'),
    remaining: z.number().describe('limit − spent − held, never below 0.'),
    percent: z.number().describe('spent / limit, in percent, one decimal.'),
    resetsAt: z.iso.datetime().describe('The next day or month in the display time zone.'),
    origin: budgetOrigin.optional(),
    originName: z.string().nullable().optional().describe("The group's or the plan's name, where the limit is theirs."),
  })
  .meta({ id: 'BudgetLine', description: 'One budget that applies, and where it stands.' });

const rateLimits = {
  requestsPerMinute: z.number().int(),
  tokensPerMinute: z.number().int().nullable().describe('null: no token limit.'),
};

/** GET /api/limits: what applies to the signed-in user now. */
export const myLimits = z
  .object({
    budgets: z.array(budgetLineView),
    rateLimits: z.object(rateLimits),
    timezone: z
      .string()
      .describe("Where days and months begin (the display time zone: an admin's choice, else WEBOX_TIMEZONE)."),
  })
  .meta({ id: 'MyLimits', description: 'The budgets and rate limits that apply to the caller now.' });

/** A user's own settings (null: the default applies). */
export const limitOverride = z
  .object({
    global: budgetLimitsView.nullable(),
    personal: budgetLimitsView.nullable(),
    requestsPerMinute: z.number().int().nullable(),
    tokensPerMinute: z.number().int().nullable(),
  })
  .meta({ id: 'LimitOverride', description: "A user's own settings; null: the default applies." });

export const defaultLimits = z
  .object({
    budgets: z.object({ global: budgetLimitsView, personal: budgetLimitsView }),
    ...rateLimits,
    updatedAt: z.iso.datetime().nullable().describe('null: never set (no budget applies).'),
  })
  .meta({ id: 'DefaultLimits', description: 'What applies to every user without settings of their own.' });

const spentTotals = z.object({
  dayMicrousd: z.number(),
  monthMicrousd: z.number(),
  dayTokens: z.number(),
  monthTokens: z.number(),
});

/** One row of Admin › Users' budget column. */
export const userLimitsSummary = z
  .object({
    userId: z.string(),
    override: limitOverride,
    effective: z
      .object({ global: budgetLimitsView.nullable(), personal: budgetLimitsView.nullable() })
      .describe('The budgets in force (own > group > plan > default), null when none.'),
    origins: z
      .object({
        global: z.record(z.string(), z.object({ origin: budgetOrigin, name: z.string().nullable() })),
        personal: z.record(z.string(), z.object({ origin: budgetOrigin, name: z.string().nullable() })),
      })
      .optional()
      .describe(
        "For each limit in force (dayMicrousd, monthMicrousd, dayTokens, monthTokens), who set it and the group's or plan's name.",
      ),
    ...rateLimits,
    spentGlobal: spentTotals.describe('Spent on the global keys this day and month.'),
  })
  .meta({ id: 'UserLimitsSummary', description: "One user's limits and what they spent on the global keys." });

/** GET /api/admin/limits. */
export const adminLimits = z
  .object({
    default: defaultLimits,
    users: z.array(userLimitsSummary),
    store: z
      .enum(['memory', 'redis'])
      .describe("Where rate limits are counted: this process ('memory') or Redis, shared by every instance."),
    timezone: z.string(),
  })
  .meta({ id: 'AdminLimits', description: 'The default and every user.' });

/** GET and PUT /api/admin/users/:id/limits. */
export const userLimitsDetail = z
  .object({
    userId: z.string(),
    override: limitOverride,
    budgets: z.array(budgetLineView),
    ...rateLimits,
  })
  .meta({ id: 'UserLimitsDetail', description: "One user's settings and the budgets that apply to them now." });

export type KeySourceName = z.infer<typeof keySourceName>;
export type BudgetOriginName = z.infer<typeof budgetOrigin>;
export type BudgetLimitsView = z.infer<typeof budgetLimitsView>;
export type BudgetLineView = z.infer<typeof budgetLineView>;
export type MyLimits = z.infer<typeof myLimits>;
export type LimitOverride = z.infer<typeof limitOverride>;
export type DefaultLimits = z.infer<typeof defaultLimits>;
export type UserLimitsSummary = z.infer<typeof userLimitsSummary>;
export type AdminLimits = z.infer<typeof adminLimits>;
export type UserLimitsDetail = z.infer<typeof userLimitsDetail>;
