// Usage statistics: each user reads their own (/api/usage); admins read everyone's
// (/api/admin/usage, with groupBy=user for what each user cost on the global keys) and manage
// prices (/api/admin/prices). `format=csv` exports the same series the JSON answer holds.

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addPriceBody, usageQuery, usageReportQuery } from '../../shared/contracts.ts';
import {
  addedModelPrice,
  modelPriceList,
  type UsageRangeReport,
  type UsageRow,
  usageRangeReport,
  usageReport,
} from '../../shared/usage.ts';
import { signedInActor } from '../audit/audit-actor.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { csvReplyHeaders, describeCsvColumns, writeCsv } from '../exports/csv-export.ts';
import { csvOptionsFor } from '../exports/export-options.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import { meteringErrors } from './metering-errors.ts';
import { resolveRange, usageCsvColumns } from './usage-stats.ts';

type UsageQuery = z.infer<typeof usageQuery>;

const tags = ['Usage'];

const RANGE =
  '`from` and `to` are days (YYYY-MM-DD, both included) in the display time zone (GET /api/settings/display: chosen by an admin, else WEBOX_TIMEZONE); the default is the current month. Read from the daily rollups.';

/** The CSV export is a string the route writes itself: described, not serialised. */
const csvExport: RouteDocs = {
  responses: {
    200: {
      description: `The report as JSON, or with \`format=csv\` the series as CSV (\`text/csv\`, an attachment) in the reader's language (\`lang=fr|en\`, else the Accept-Language header, else French): UTF-8 with a BOM, CRLF line ends; in French \`;\` between cells and decimal commas, in English \`,\` and decimal points. A header line, then one line per row. Columns, by id (kind; French / English header): ${describeCsvColumns(usageCsvColumns('user'))}. \`key\` is headed after \`groupBy\` (Jour/Day, Fournisseur/Provider, Modèle/Model, Clé/Key, Utilisateur (id)/User (id)); \`name\` and \`email\` are there only with groupBy=user. Money columns are in the display currency at its current rate (GET /api/settings/display), with six decimals, the currency in the header; the \`…Microusd\` columns beside them are the ledger's exact micro-dollars. Text that a spreadsheet would read as a formula is prefixed with \`'\`.`,
      content: { 'text/csv': z.string() },
    },
  },
};

export const usageRoutes: FastifyPluginAsyncZod = async (app) => {
  /** Each user's name and address, from the users module; a user deleted since is left out. */
  async function withNames(series: UsageRow[]): Promise<UsageRow[]> {
    const directory = await app.users.directory(series.map((row) => row.key));
    return series.flatMap((row) => {
      const account = directory.get(row.key);
      return account ? [{ ...row, name: account.name, email: account.email }] : [];
    });
  }

  async function answer(request: FastifyRequest, reply: FastifyReply, query: UsageQuery, userId: string | undefined) {
    const range = resolveRange(app.display.timeZone(), query.from, query.to);
    const result = await app.metering.stats.query({ userId, ...range, groupBy: query.groupBy });
    if (query.groupBy === 'user') result.series = await withNames(result.series);
    if (query.format === 'csv') {
      const options = csvOptionsFor(app, request);
      return reply
        .headers(csvReplyHeaders(`webox-usage-${range.from}-${range.to}-by-${query.groupBy}.csv`))
        .send(writeCsv(usageCsvColumns(query.groupBy), result.series, options));
    }
    return reply.send({ ...range, timezone: app.display.timeZone(), groupBy: query.groupBy, ...result });
  }

  /** One range's report: what the usage page shows, in one request. */
  async function rangeReport(
    query: z.infer<typeof usageReportQuery>,
    userId: string | undefined,
    admin: boolean,
  ): Promise<UsageRangeReport> {
    const range = resolveRange(app.display.timeZone(), query.from, query.to);
    const groupings = admin && !userId ? (['day', 'model', 'user'] as const) : (['day', 'model'] as const);
    const { totals, series } = await app.metering.stats.report({ userId, ...range, groupings });
    const user = 'user' in series ? await withNames(series.user) : undefined;
    return {
      ...range,
      timezone: app.display.timeZone(),
      totals,
      series: { day: series.day, model: series.model, ...(user ? { user } : {}) },
    };
  }

  // Who may call each route is the scope's guard (auth/route-scopes.ts).
  await app.register(
    userScope(async (app) => {
      app.get(
        '/api/usage',
        {
          schema: {
            tags,
            summary: 'Your usage',
            description: `${RANGE} groupBy=user and userId are for admins (/api/admin/usage).`,
            querystring: usageQuery,
            response: { 200: usageReport },
            docs: csvExport,
          },
        },
        async (request, reply) => {
          if (request.query.groupBy === 'user') {
            throw meteringErrors.groupByUserForAdmins();
          }
          return answer(request, reply, request.query, currentUser(request).id);
        },
      );

      app.get(
        '/api/usage/report',
        {
          schema: {
            tags,
            summary: 'Your usage page in one answer',
            description: `${RANGE} The totals and the series by day and by model, read together. userId is for admins (/api/admin/usage/report).`,
            querystring: usageReportQuery,
            response: { 200: usageRangeReport },
          },
        },
        async (request) => {
          if (request.query.userId !== undefined) throw meteringErrors.userIdForAdmins();
          return rangeReport(request.query, currentUser(request).id, false);
        },
      );
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/usage',
        {
          schema: {
            tags,
            summary: "Everyone's usage",
            description: `${RANGE} \`userId\` narrows it to one user; groupBy=user gives each user's row with name and email, the highest cost on the global keys (\`globalCostMicrousd\`, what the operator pays) first.`,
            querystring: usageQuery,
            response: { 200: usageReport },
            docs: csvExport,
          },
        },
        async (request, reply) => answer(request, reply, request.query, request.query.userId),
      );

      app.get(
        '/api/admin/usage/report',
        {
          schema: {
            tags,
            summary: "Everyone's usage page in one answer",
            description: `${RANGE} The totals and the series by day and by model, and, without userId, by user (with name and email), read together.`,
            querystring: usageReportQuery,
            response: { 200: usageRangeReport },
          },
        },
        async (request) => rangeReport(request.query, request.query.userId, true),
      );

      app.get(
        '/api/admin/prices',
        {
          schema: {
            tags,
            summary: 'Every model price',
            description: 'Every dated price, the seeded list prices included; per million tokens, in micro-dollars.',
            response: { 200: modelPriceList },
          },
        },
        async () => ({ prices: app.metering.prices.list() }),
      );

      app.post(
        '/api/admin/prices',
        {
          schema: {
            tags,
            summary: 'Add a price',
            description:
              'It applies from `effectiveFrom` on, on every instance; usage already recorded keeps the price it was charged at. Also what gives a model outside the catalogue a price (400 `unknown_provider` for a provider that does not exist).',
            body: addPriceBody,
            response: { 201: addedModelPrice },
          },
        },
        async (request, reply) => {
          const row = await app.metering.prices.add(signedInActor(request), request.body);
          return reply.status(201).send(row);
        },
      );
    }),
  );
};
