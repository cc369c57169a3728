// The operator budget on the global keys as the API answers and takes it (GET/PUT
// /api/admin/operator-budget), shared by the server's route schemas and the web app's form.
// Money is integer micro-dollars.
import { z } from 'zod';

/** Percent thresholds an alert is raised at, until the admin sets others. */
export const DEFAULT_OPERATOR_THRESHOLDS = [50, 80, 100] as const;
/** At most this many micro-dollars in one limit ($10 billion): far past any real budget. */
const MAX_MICROUSD = 10_000_000_000_000_000;

const limit = z.number().int().min(0).max(MAX_MICROUSD).nullable();

export const operatorBudgetSettings = z
  .object({
    dayMicrousd: limit.describe('What all users together may spend on the global keys per day; null: no limit.'),
    monthMicrousd: limit.describe('The same per calendar month (the display time zone); null: no limit.'),
    thresholds: z
      .array(z.number().int().min(1).max(100))
      .max(10)
      .refine((list) => new Set(list).size === list.length, 'thresholds must not repeat')
      .describe('Percent of a limit at which admins are alerted, once per period (default 50, 80, 100).'),
    hardCap: z
      .boolean()
      .describe(
        'When a limit is reached, global-key traffic is paused (429 quota_exceeded, quota.source "operator"); personal keys go on.',
      ),
    spendJumpMultiple: z
      .number()
      .min(1.5)
      .max(1000)
      .nullable()
      .describe("Alert when a user's hour on the global keys passes this multiple of their usual hour; null: off."),
  })
  .meta({ id: 'OperatorBudgetSettings', description: 'The operator budget on the global keys.' });

export type OperatorBudgetSettings = z.infer<typeof operatorBudgetSettings>;

export const operatorBudgetView = operatorBudgetSettings
  .extend({
    spent: z
      .object({
        dayMicrousd: z.number().int(),
        monthMicrousd: z.number().int(),
      })
      .describe('What all users spent on the global keys this day and this month (the ledger).'),
    timezone: z.string().describe('Where days and months begin.'),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'OperatorBudget', description: 'The operator budget and what was spent against it.' });

export type OperatorBudgetView = z.infer<typeof operatorBudgetView>;
