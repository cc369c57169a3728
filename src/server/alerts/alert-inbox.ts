// The alerts in the app: the alert rows a caller may see (an admin: the admins' alerts and their
// own; anyone else: only their own), newest first, paged by (created_at, id), and what each
// caller has read (alert_read). No delivery row: the bell reads the alerts themselves.
import { and, count, desc, eq, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { AlertList } from '../../shared/alerts.ts';
import type { Database } from '../db/client.ts';
import { alert, alertRead } from '../db/schema/alerts.ts';
import { alertErrors } from './alert-errors.ts';

export interface Reader {
  id: string;
  admin: boolean;
}

function visibleTo(reader: Reader): SQL {
  const own = and(eq(alert.audience, 'user'), eq(alert.subjectUserId, reader.id)) as SQL;
  return reader.admin ? (or(eq(alert.audience, 'admins'), own) as SQL) : own;
}

const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(`${createdAt.toISOString()}|${id}`, 'utf8').toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id)) throw alertErrors.invalidCursor();
  return { createdAt, id };
}

export function createAlertInbox(db: Database) {
  const readJoin = (reader: Reader) => and(eq(alertRead.alertId, alert.id), eq(alertRead.userId, reader.id));

  return {
    async list(reader: Reader, page: { cursor?: string; limit: number }): Promise<AlertList> {
      const conditions: SQL[] = [visibleTo(reader)];
      if (page.cursor) {
        const after = decodeCursor(page.cursor);
        const older = or(
          lt(alert.createdAt, after.createdAt),
          and(eq(alert.createdAt, after.createdAt), lt(alert.id, after.id)),
        );
        if (older) conditions.push(older);
      }
      const rows = await db
        .select({ row: alert, readAt: alertRead.readAt })
        .from(alert)
        .leftJoin(alertRead, readJoin(reader))
        .where(and(...conditions))
        .orderBy(desc(alert.createdAt), desc(alert.id))
        .limit(page.limit + 1);
      const [unread] = await db
        .select({ count: count() })
        .from(alert)
        .leftJoin(alertRead, readJoin(reader))
        .where(and(visibleTo(reader), isNull(alertRead.alertId)));
      const shown = rows.slice(0, page.limit);
      const last = shown[shown.length - 1];
      return {
        alerts: shown.map(({ row, readAt }) => ({
          id: row.id,
          kind: row.kind,
          severity: row.severity,
          audience: row.audience,
          provider: row.provider,
          details: row.details,
          createdAt: row.createdAt.toISOString(),
          read: readAt !== null,
        })),
        unread: unread?.count ?? 0,
        nextCursor: rows.length > page.limit && last ? encodeCursor(last.row.createdAt, last.row.id) : null,
      };
    },

    /** Marks these alerts (or all of the caller's) read; ids the caller may not see are ignored. */
    async markRead(reader: Reader, which: { ids: string[] } | { all: true }): Promise<void> {
      const chosen =
        'ids' in which
          ? sql` AND a.id IN (${sql.join(
              which.ids.map((id) => sql`${id}::uuid`),
              sql`, `,
            )})`
          : sql``;
      const visible = reader.admin
        ? sql`(a.audience = 'admins' OR (a.audience = 'user' AND a.subject_user_id = ${reader.id}))`
        : sql`(a.audience = 'user' AND a.subject_user_id = ${reader.id})`;
      await db.execute(sql`
        INSERT INTO alert_read (user_id, alert_id)
        SELECT ${reader.id}, a.id FROM alert a WHERE ${visible}${chosen}
        ON CONFLICT DO NOTHING`);
    },
  };
}

export type AlertInbox = ReturnType<typeof createAlertInbox>;
