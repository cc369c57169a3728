// The request log over HTTP: each user reads their own requests (/api/requests), a group's admin
// also those of one member of their group (`user=`, the groups module's "sees its members' usage"),
// and admins everyone's (/api/admin/requests). `format=csv` streams every matching row.
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type RequestLogQuery, type RequestLogRow, requestLogPage, requestLogQuery } from '../../shared/request-log.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { commonErrors } from '../errors.ts';
import { csvReplyHeaders, describeCsvColumns } from '../exports/csv-export.ts';
import { csvOptionsFor } from '../exports/export-options.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import {
  decodeCursor,
  encodeCursor,
  type RequestLogEntry,
  type RequestLogFilters,
  resolveInstants,
} from './request-log.ts';
import { requestCsvColumns, requestCsvWriter } from './request-log-csv.ts';

const tags = ['Usage'];

const FILTERS =
  'Newest first. Filters combine (and). `from`/`to` take days (YYYY-MM-DD, in the display time zone: GET /api/settings/display, else WEBOX_TIMEZONE; both included) or instants (`to` excluded). Paging by keyset: pass `nextCursor` back as `cursor` for the next page, as fast at page 5,000 as at page 1; rows written meanwhile never repeat a row or shift the pages. A cursor that does not read: 400 `invalid_request`.';

const csvExport: RouteDocs = {
  responses: {
    200: {
      description: `The page as JSON, or with \`format=csv\` every matching row as CSV (\`text/csv\`, an attachment; \`cursor\` and \`limit\` ignored), streamed page by page: no cap, never held in memory whole. In the reader's language (\`lang=fr|en\`, else the Accept-Language header, else French): UTF-8 with a BOM, CRLF line ends; in French \`;\` between cells and decimal commas, in English \`,\` and decimal points. Columns, by id (kind; French / English header): ${describeCsvColumns(requestCsvColumns(true) as never)}; \`userId\`, \`name\` and \`email\` only in the admin and group views. Times in the display time zone; money in the display currency with six decimals, the currency in the header, beside the ledger's exact micro-dollars (\`costMicrousd\`). Text that a spreadsheet would read as a formula is prefixed with \`'\`.`,
      content: { 'text/csv': z.string() },
    },
  },
};

/** Rows of the CSV export read per query. */
const CSV_PAGE = 1_000;

export const requestLogRoutes: FastifyPluginAsyncZod = async (app) => {
  const { requests } = app.metering;

  function filtersOf(query: RequestLogQuery, userId: string | undefined): RequestLogFilters {
    return {
      userId,
      provider: query.provider,
      model: query.model,
      source: query.source,
      status: query.status,
      error: query.error,
      ...resolveInstants(app.display.timeZone(), query),
      estimated: query.estimated,
      unpriced: query.unpriced,
    };
  }

  /** Each row's user, from the users module (null for an account deleted since), or none at all. */
  async function toRows(entries: RequestLogEntry[], withUsers: boolean): Promise<RequestLogRow[]> {
    const directory = withUsers ? await app.users.directory([...new Set(entries.map((entry) => entry.userId))]) : null;
    return entries.map(({ userId, at, ...entry }) => {
      const account = directory?.get(userId);
      return { ...entry, at: at.toISOString(), user: account ? { id: userId, ...account } : null };
    });
  }

  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    query: RequestLogQuery,
    userId: string | undefined,
    withUsers: boolean,
  ) {
    const filters = filtersOf(query, userId);
    if (query.format === 'csv') {
      const csv = requestCsvWriter(withUsers, csvOptionsFor(app, request));
      async function* lines() {
        yield csv.header();
        for await (const entries of requests.all(filters, CSV_PAGE)) yield csv.lines(await toRows(entries, withUsers));
      }
      const day = new Date().toISOString().slice(0, 10);
      return reply.headers(csvReplyHeaders(`webox-requests-${day}.csv`)).send(Readable.from(lines()));
    }
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const { rows, next } = await requests.page(filters, { after, limit: query.limit });
    return reply.send({ requests: await toRows(rows, withUsers), nextCursor: next ? encodeCursor(next) : null });
  }

  await app.register(
    userScope(async (app) => {
      app.get(
        '/api/requests',
        {
          schema: {
            tags,
            summary: 'Your requests',
            description: `${FILTERS} Your own requests (\`user\` is null in each row). A group admin may pass \`user\`: a member of their group, whose rows then carry the user; anyone else's id answers 404.`,
            querystring: requestLogQuery,
            response: { 200: requestLogPage },
            docs: csvExport,
          },
        },
        async (request, reply) => {
          const me = currentUser(request).id;
          const target = request.query.user;
          if (target === undefined || target === me) return answer(request, reply, request.query, me, false);
          // A group's admin sees their members' usage (groups module); nobody else sees anyone's.
          const [mine, theirs] = await Promise.all([app.groups.membershipOf(me), app.groups.membershipOf(target)]);
          if (mine?.role !== 'admin' || theirs?.groupId !== mine.groupId) throw commonErrors.notFound('The user');
          return answer(request, reply, request.query, target, true);
        },
      );
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/requests',
        {
          schema: {
            tags,
            summary: "Everyone's requests",
            description: `${FILTERS} \`user\` is a user id or e-mail address; each row carries its user (null for an account deleted since).`,
            querystring: requestLogQuery,
            response: { 200: requestLogPage },
            docs: csvExport,
          },
        },
        async (request, reply) => {
          let userId = request.query.user;
          if (userId?.includes('@')) {
            // An address nobody has matches nothing, like an id nobody has.
            userId = (await app.users.idByEmail(userId)) ?? userId;
          }
          return answer(request, reply, request.query, userId, true);
        },
      );
    }),
  );
};
