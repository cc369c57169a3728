// The request log (GET /api/requests, /api/admin/requests): one line per model call the usage
// ledger recorded, newest first, paged by an opaque cursor. Shared by the server's route schemas
// and the web app's pages. Money is integer micro-dollars (1 USD = 1,000,000).
import { z } from 'zod';
import { logExportQuery } from './contracts.ts';
import { singleLineText } from './text.ts';

export const REQUEST_LOG_PAGE_MAX = 200;
export const REQUEST_LOG_PAGE_DEFAULT = 50;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day (YYYY-MM-DD, in WEBOX_TIMEZONE) or an instant with its offset. */
const dayOrInstant = z.union([
  z
    .string()
    .regex(DAY)
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'not a calendar day'),
  z.iso.datetime({ offset: true }),
]);

const flag = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional();

/** The filters both routes take (and the CSV export); `user` is for admins and group admins. */
export const requestLogQuery = z.object({
  user: singleLineText({ min: 1, max: 200 })
    .optional()
    .describe(
      "Only this user's requests: their id, or their e-mail on the admin route. On /api/requests, for a group admin, a member of their group (anyone else: 404).",
    ),
  provider: singleLineText({ min: 1, max: 64 }).optional().describe('A provider id (`openai`, …).'),
  model: singleLineText({ min: 1, max: 200 })
    .optional()
    .describe('A model: `provider/model`, or the model id alone (any provider).'),
  source: z
    .enum(['personal', 'global', 'none'])
    .optional()
    .describe('The key the request used; `none`: refused before a key was found.'),
  status: z
    .union([z.enum(['ok', 'failed']), z.coerce.number().int().min(100).max(599)])
    .optional()
    .describe('`ok` (HTTP status below 400), `failed` (400 and above, refusals included), or one exact status.'),
  error: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,99}$/)
    .optional()
    .describe('An error code (`quota_exceeded`, `provider_error`, …).'),
  from: dayOrInstant
    .optional()
    .describe('From this instant on (included), or from the start of this day (YYYY-MM-DD) in the display time zone.'),
  to: dayOrInstant
    .optional()
    .describe(
      'Before this instant (excluded), or up to the end of this day (YYYY-MM-DD, included) in the display time zone.',
    ),
  estimated: flag.describe('true: only rows whose tokens were estimated (the provider never sent them).'),
  unpriced: flag.describe('true: only rows for a model with no price (costed at 0).'),
  cursor: z
    .string()
    .max(500)
    .optional()
    .describe("The previous answer's nextCursor: the page after it. Opaque; a cursor that does not read is 400."),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(REQUEST_LOG_PAGE_MAX)
    .default(REQUEST_LOG_PAGE_DEFAULT)
    .describe(`Rows per page (at most ${REQUEST_LOG_PAGE_MAX}).`),
  ...logExportQuery,
});

export type RequestLogQuery = z.infer<typeof requestLogQuery>;

export const requestLogUser = z
  .object({ id: z.string(), name: z.string(), email: z.string() })
  .meta({ id: 'RequestLogUser' });

export const requestLogRow = z
  .object({
    id: z.string().describe('The request id.'),
    at: z.iso.datetime().describe('When the request was made.'),
    user: requestLogUser.nullable().describe('Admin and group views only; null there for an account deleted since.'),
    provider: z.string(),
    model: z.string(),
    source: z.enum(['personal', 'global', 'none']),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costMicrousd: z.number().int().describe('The price charged, in micro-dollars.'),
    latencyMs: z.number().int().nullable(),
    status: z.number().int().describe('The HTTP status the caller received (200 for a success).'),
    error: z.string().nullable().describe('The error code of a failed request.'),
    estimated: z.boolean().describe('Tokens estimated locally: the provider never sent its counts.'),
    unpriced: z.boolean().describe('A model with no price: metered, costed at 0.'),
  })
  .meta({ id: 'RequestLogRow', description: 'One model call, as the usage ledger recorded it.' });

export type RequestLogRow = z.infer<typeof requestLogRow>;

export const requestLogPage = z
  .object({
    requests: z.array(requestLogRow).describe('Newest first.'),
    nextCursor: z.string().nullable().describe('The next (older) page: pass it as `cursor`; null on the last page.'),
  })
  .meta({ id: 'RequestLogPage', description: 'One page of the request log.' });

export type RequestLogPage = z.infer<typeof requestLogPage>;
