// The audit trail over HTTP: the admins' journal (/api/admin/audit, `format=csv` streams every
// matching row), each user's own security events (/api/me/security-events), and the retention
// (/api/admin/audit/settings). The expiry's timer starts with these routes and stops on close.
import { Readable } from 'node:stream';
import fastifyPlugin from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditEventView } from '../../shared/audit.ts';
import {
  type AuditQuery,
  actionsOf,
  auditPage,
  auditQuery,
  auditSettingsBody,
  auditSettingsView,
  type SecurityEventView,
  securityEventsPage,
  securityEventsQuery,
} from '../../shared/audit-log.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { csvReplyHeaders, describeCsvColumns } from '../exports/csv-export.ts';
import { csvOptionsFor } from '../exports/export-options.ts';
import { startOfDay } from '../metering/periods.ts';
import type { RouteDocs } from '../openapi/route-docs.ts';
import { auditActor } from './audit-actor.ts';
import { auditCsvColumns, auditCsvWriter } from './audit-csv.ts';
import { auditErrors } from './audit-errors.ts';
import { type AuditFilters, type AuditLog, type AuditRow, createAuditLog, startAuditExpiry } from './audit-log.ts';

declare module 'fastify' {
  interface FastifyInstance {
    auditLog: AuditLog;
  }
}

const tags = ['Audit'];

const FILTERS =
  'Newest first. Filters combine (and). `from`/`to` take days (YYYY-MM-DD, in the display time zone; both included) or instants (`to` excluded). Paging by keyset: pass `nextCursor` back as `cursor` for the next page, as fast deep down as on the first page; rows written meanwhile never repeat a row or shift the pages. A cursor this API did not give (altered, made up): 400 `invalid_request` with `param: cursor`.';

const csvExport: RouteDocs = {
  responses: {
    200: {
      description: `The page as JSON, or with \`format=csv\` every matching row as CSV (\`text/csv\`, an attachment; \`cursor\` and \`limit\` ignored), streamed page by page. In the reader's language (\`lang=fr|en\`, else Accept-Language, else French): UTF-8 with a BOM, CRLF line ends; in French \`;\` between cells, in English \`,\`. Columns, by id (kind; French / English header): ${describeCsvColumns(auditCsvColumns as never)}. Times in the display time zone. Text a spreadsheet would read as a formula is prefixed with \`'\`.`,
      content: { 'text/csv': z.string() },
    },
  },
};

/** Rows of the CSV export read per query. */
const CSV_PAGE = 1_000;

/** `from` and `to` as instants: a day is the operator's day, `to` included; an instant is as is. */
function instants(timeZone: string, query: Pick<AuditQuery, 'from' | 'to'>) {
  const isDay = (value: string) => value.length === 10;
  const nextDay = (day: string) => {
    const [year, month, date] = day.split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
  };
  const from = query.from ? (isDay(query.from) ? startOfDay(timeZone, query.from) : new Date(query.from)) : undefined;
  const to = query.to ? (isDay(query.to) ? startOfDay(timeZone, nextDay(query.to)) : new Date(query.to)) : undefined;
  if (from && to && from >= to) throw auditErrors.reversedRange();
  return { from, to };
}

const view = ({ exactAt: _exact, ...row }: AuditRow): AuditEventView => row;

/** What a user sees of an event about them: another account's address and browser are that person's. */
function securityView(row: AuditRow, userId: string): SecurityEventView {
  const by = row.actor.userId === userId ? 'you' : row.actor.userId ? 'admin' : row.actor.ip ? 'unknown' : 'system';
  const visible = by === 'you' || by === 'unknown';
  return {
    id: row.id,
    at: row.at,
    action: row.action,
    outcome: row.outcome,
    by,
    ip: visible ? row.actor.ip : null,
    userAgent: visible ? row.actor.userAgent : null,
    target: row.target,
    details: row.details,
  };
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const log = createAuditLog({ db: app.database.db, trail: app.audit });
  app.decorate('auditLog', log);
  const expiry = startAuditExpiry({ expire: log.expire, log: app.log.child({ module: 'audit' }) });
  app.addHook('onClose', async () => expiry.stop());

  /** A user id, or an e-mail address turned into one (an address nobody has matches nothing). */
  const userIdOf = async (value: string | undefined) =>
    value?.includes('@') ? ((await app.users.idByEmail(value)) ?? value) : value;

  async function filtersOf(query: AuditQuery): Promise<AuditFilters> {
    return {
      actorId: await userIdOf(query.actor),
      subjectUserId: await userIdOf(query.subject),
      actions: query.action && query.action.length > 0 ? [...new Set(query.action.flatMap(actionsOf))] : undefined,
      targetKind: query.targetKind,
      targetId: query.targetId,
      outcome: query.outcome,
      ...instants(app.display.timeZone(), query),
    };
  }

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/audit',
        {
          schema: {
            tags,
            summary: 'The audit journal',
            description: `${FILTERS} Every event WeBox recorded: who did what, to what, from where, and whether it worked.`,
            querystring: auditQuery,
            response: { 200: auditPage },
            docs: csvExport,
          },
        },
        async (request, reply) => {
          const filters = await filtersOf(request.query);
          if (request.query.format === 'csv') {
            const csv = auditCsvWriter(csvOptionsFor(app, request));
            async function* lines() {
              yield csv.header();
              for await (const rows of log.all(filters, CSV_PAGE)) yield csv.lines(rows.map(view));
            }
            const day = new Date().toISOString().slice(0, 10);
            return reply.headers(csvReplyHeaders(`webox-audit-${day}.csv`)).send(Readable.from(lines()) as never);
          }
          const { rows, nextCursor } = await log.page(filters, {
            cursor: request.query.cursor ?? null,
            limit: request.query.limit,
          });
          return reply.send({ events: rows.map(view), nextCursor });
        },
      );

      app.get(
        '/api/admin/audit/settings',
        {
          schema: {
            tags,
            summary: "The audit trail's retention",
            description:
              'How many days a row is kept (default 400; 365 to 3650). Older rows are removed by the hourly expiry, the only deletion the database allows.',
            response: { 200: auditSettingsView },
          },
        },
        async () => log.settings(),
      );

      app.put(
        '/api/admin/audit/settings',
        {
          schema: {
            tags,
            summary: "Set the audit trail's retention",
            description:
              'Days to keep each row, 365 (a year) to 3650. The change is itself recorded (`audit_settings.changed`), in the same transaction.',
            body: auditSettingsBody,
            response: { 200: auditSettingsView },
          },
        },
        async (request) => log.setRetention(request.body.retentionDays, auditActor(request)),
      );
    }),
  );

  await app.register(
    userScope(async (app) => {
      app.get(
        '/api/me/security-events',
        {
          schema: {
            tags,
            summary: 'Your security events',
            description:
              "Events about your account, newest first: your keys and tokens, sign-ins, changes an administrator made to your account. Another account's address and browser are not shown (`by: admin`). Paged like the journal: pass `nextCursor` back as `cursor`; a cursor from elsewhere is 400 `invalid_request`.",
            querystring: securityEventsQuery,
            response: { 200: securityEventsPage },
          },
        },
        async (request) => {
          const me = currentUser(request).id;
          const { rows, nextCursor } = await log.securityEvents(me, {
            cursor: request.query.cursor ?? null,
            limit: request.query.limit,
          });
          return { events: rows.map((row) => securityView(row, me)), nextCursor };
        },
      );
    }),
  );
};

/** Not encapsulated: app.auditLog (the reader and the expiry) is the app's, for tests and the CLI. */
export const auditRoutes = fastifyPlugin(routes, { name: 'webox-audit-routes', dependencies: ['webox-audit'] });
