// The audit trail's reading side: the journal (every row, filtered), each user's security events,
// the retention setting and the expiry, the only deletion there is.
//
// Paging is by keyset, newest first: a page is "the next `limit` rows older than (at, id) of the
// last one seen", read from the (…, at, id) indexes, so a deep page costs what the first does and
// rows written meanwhile (newer ones) neither repeat nor shift what follows. `at` is kept to the
// microsecond (now()'s precision, finer than a JS Date), so the cursor carries it as text. The
// cursor is opaque and signed with the trail's keyed fingerprint, naming its listing: one altered,
// made up, or taken from another user's listing is refused.
import { and, eq, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { AUDIT_ACTIONS, type AuditAction, type AuditDetails, type AuditEventView } from '../../shared/audit.ts';
import {
  AUDIT_RETENTION_DEFAULT_DAYS,
  AUDIT_RETENTION_MAX_DAYS,
  AUDIT_RETENTION_MIN_DAYS,
  type AuditSettingsView,
} from '../../shared/audit-log.ts';
import type { Database } from '../db/client.ts';
import { auditEvent, auditSettings } from '../db/schema/audit.ts';
import { auditErrors } from './audit-errors.ts';
import { type AuditActor, type AuditTrail, SYSTEM_ACTOR } from './audit-trail.ts';

export interface AuditFilters {
  actorId?: string;
  subjectUserId?: string;
  /** Already expanded: exact actions only. */
  actions?: AuditAction[];
  targetKind?: string;
  targetId?: string;
  outcome?: 'success' | 'failure';
  from?: Date;
  to?: Date;
}

/** Where a page ends: `at` to the microsecond, as PostgreSQL wrote it ("2026-12-02T03:04:05.123456Z"). */
interface Position {
  at: string;
  id: string;
}

export interface AuditRow extends AuditEventView {
  /** `at` to the microsecond (the cursor's). */
  exactAt: string;
}

const EXACT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Actions that are the user's own doing even when no subject is set: their keys and tokens. */
const OWN_ACTIONS = AUDIT_ACTIONS.filter((action) => action.startsWith('key.personal.') || action.startsWith('token.'));
const SETTINGS_ID = 1;
/** Rows removed per expiry transaction: short transactions, whatever the backlog. */
const EXPIRY_BATCH = 5_000;
/** pg_try_advisory_xact_lock's key for the expiry: one instance at a time. */
const EXPIRY_LOCK = 0x61756474; // "audt"

// The indexes are (…, at DESC NULLS LAST, id DESC NULLS LAST): a bare DESC means NULLS FIRST, which
// the planner would not read from them (it does not count on NOT NULL), sorting the table instead.
const NEWEST_FIRST = sql`${auditEvent.at} desc nulls last, ${auditEvent.id} desc nulls last`;

const exactAt = sql<string>`to_char(${auditEvent.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function createAuditLog(options: { db: Database; trail: AuditTrail }) {
  const { db, trail } = options;

  const signatureOf = (listing: string, position: Position) =>
    trail.fingerprint(`audit-cursor\u0000${listing}\u0000${position.at}\u0000${position.id}`);

  async function encodeCursor(listing: string, position: Position): Promise<string> {
    const signature = await signatureOf(listing, position);
    return Buffer.from(JSON.stringify([position.at, position.id, signature])).toString('base64url');
  }

  async function decodeCursor(listing: string, cursor: string): Promise<Position> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw auditErrors.invalidCursor();
    }
    if (
      !Array.isArray(parsed) ||
      parsed.length !== 3 ||
      typeof parsed[0] !== 'string' ||
      !EXACT.test(parsed[0]) ||
      Number.isNaN(Date.parse(parsed[0])) ||
      typeof parsed[1] !== 'string' ||
      !UUID.test(parsed[1]) ||
      typeof parsed[2] !== 'string'
    ) {
      throw auditErrors.invalidCursor();
    }
    const position = { at: parsed[0], id: parsed[1] };
    if ((await signatureOf(listing, position)) !== parsed[2]) throw auditErrors.invalidCursor();
    return position;
  }

  function conditions(filters: AuditFilters, extra: SQL | undefined, after: Position | null): SQL | undefined {
    const where: Array<SQL | undefined> = [extra];
    if (filters.actorId !== undefined) where.push(eq(auditEvent.actorId, filters.actorId));
    if (filters.subjectUserId !== undefined) where.push(eq(auditEvent.subjectUserId, filters.subjectUserId));
    if (filters.actions !== undefined) where.push(inArray(auditEvent.action, filters.actions));
    if (filters.targetKind !== undefined) where.push(sql`${auditEvent.targetKind} = ${filters.targetKind}`);
    if (filters.targetId !== undefined) where.push(eq(auditEvent.targetId, filters.targetId));
    if (filters.outcome !== undefined) where.push(eq(auditEvent.outcome, filters.outcome));
    if (filters.from) where.push(gte(auditEvent.at, filters.from));
    if (filters.to) where.push(lt(auditEvent.at, filters.to));
    // The row comparison is what the (…, at, id) indexes read from directly.
    if (after) where.push(sql`(${auditEvent.at}, ${auditEvent.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
    return and(...where);
  }

  async function rows(where: SQL | undefined, limit: number): Promise<{ rows: AuditRow[]; more: boolean }> {
    const found = await db
      .select({
        id: auditEvent.id,
        exactAt,
        action: auditEvent.action,
        outcome: auditEvent.outcome,
        actorId: auditEvent.actorId,
        actorEmail: auditEvent.actorEmail,
        ip: auditEvent.ip,
        userAgent: auditEvent.userAgent,
        targetKind: auditEvent.targetKind,
        targetId: auditEvent.targetId,
        subjectUserId: auditEvent.subjectUserId,
        details: auditEvent.details,
      })
      .from(auditEvent)
      .where(where)
      .orderBy(NEWEST_FIRST)
      // One more than asked tells whether another page follows, without counting.
      .limit(limit + 1);
    return {
      more: found.length > limit,
      rows: found.slice(0, limit).map((row) => ({
        id: row.id,
        exactAt: row.exactAt,
        at: new Date(row.exactAt).toISOString(),
        action: row.action,
        outcome: row.outcome,
        actor: { userId: row.actorId, email: row.actorEmail, ip: row.ip, userAgent: row.userAgent },
        target: row.targetKind && row.targetId !== null ? { kind: row.targetKind, id: row.targetId } : null,
        subjectUserId: row.subjectUserId,
        details: (row.details ?? {}) as AuditDetails,
      })),
    };
  }

  async function pageOf(
    listing: string,
    read: (after: Position | null) => Promise<{ rows: AuditRow[]; more: boolean }>,
    cursor: string | null,
  ) {
    const after = cursor ? await decodeCursor(listing, cursor) : null;
    const found = await read(after);
    const last = found.rows.at(-1);
    return {
      rows: found.rows,
      nextCursor: found.more && last ? await encodeCursor(listing, { at: last.exactAt, id: last.id }) : null,
    };
  }

  /** The admins' journal: one page of every row the filters match. */
  function page(filters: AuditFilters, options: { cursor: string | null; limit: number }) {
    return pageOf('journal', (after) => rows(conditions(filters, undefined, after), options.limit), options.cursor);
  }

  /**
   * One user's security events: those about their account, and their own key and token actions.
   * Two index reads (subject, then actor) merged here: an OR of the two would read neither index
   * in order. Each gives its newest `limit + 1` rows past the cursor; a row in both counts once.
   */
  function securityEvents(userId: string, options: { cursor: string | null; limit: number }) {
    const { limit } = options;
    return pageOf(
      `me:${userId}`,
      async (after) => {
        const [about, by] = await Promise.all([
          rows(conditions({ subjectUserId: userId }, undefined, after), limit),
          rows(conditions({ actorId: userId, actions: OWN_ACTIONS }, undefined, after), limit),
        ]);
        const merged = new Map<string, AuditRow>();
        for (const row of [...about.rows, ...by.rows]) merged.set(row.id, row);
        // Newest first by (at, id), as PostgreSQL orders them: fixed-width UTC text and lowercase
        // hex uuids compare as their values do.
        const sorted = [...merged.values()].sort((a, b) =>
          a.exactAt === b.exactAt ? (a.id < b.id ? 1 : -1) : a.exactAt < b.exactAt ? 1 : -1,
        );
        return { rows: sorted.slice(0, limit), more: sorted.length > limit || about.more || by.more };
      },
      options.cursor,
    );
  }

  async function retentionDays(): Promise<number> {
    const [row] = await db
      .select({ days: auditSettings.retentionDays })
      .from(auditSettings)
      .where(eq(auditSettings.id, SETTINGS_ID));
    return row?.days ?? AUDIT_RETENTION_DEFAULT_DAYS;
  }

  const settingsView = (days: number): AuditSettingsView => ({
    retentionDays: days,
    defaultDays: AUDIT_RETENTION_DEFAULT_DAYS,
    minDays: AUDIT_RETENTION_MIN_DAYS,
    maxDays: AUDIT_RETENTION_MAX_DAYS,
  });

  return {
    page,
    securityEvents,
    /** Every matching row, page after page (the CSV export: never more than one page in memory). */
    async *all(filters: AuditFilters, pageSize = 1_000): AsyncGenerator<AuditRow[]> {
      let after: Position | null = null;
      do {
        const found = await rows(conditions(filters, undefined, after), pageSize);
        if (found.rows.length > 0) yield found.rows;
        const last = found.rows.at(-1);
        after = found.more && last ? { at: last.exactAt, id: last.id } : null;
      } while (after);
    },

    async settings(): Promise<AuditSettingsView> {
      return settingsView(await retentionDays());
    },

    /** Sets the retention and records the change, in one transaction. */
    async setRetention(days: number, actor: AuditActor): Promise<AuditSettingsView> {
      await db.transaction(async (tx) => {
        const [before] = await tx
          .select({ days: auditSettings.retentionDays })
          .from(auditSettings)
          .where(eq(auditSettings.id, SETTINGS_ID))
          .for('update');
        await tx
          .insert(auditSettings)
          .values({ id: SETTINGS_ID, retentionDays: days, updatedBy: actor.userId, updatedAt: new Date() })
          .onConflictDoUpdate({
            target: auditSettings.id,
            set: { retentionDays: days, updatedBy: actor.userId, updatedAt: new Date() },
          });
        await trail.record(tx, {
          action: 'audit_settings.changed',
          actor,
          target: { kind: 'audit_settings', id: 'retention' },
          details: { retentionDaysBefore: before?.days ?? AUDIT_RETENTION_DEFAULT_DAYS, retentionDays: days },
        });
      });
      return settingsView(days);
    },

    /**
     * Removes the rows older than the retention (never under a year, whatever is stored), in short
     * transactions that each tell the trigger so. Another instance expiring at the same moment holds
     * the advisory lock: this one then leaves the work to it. Returns the rows removed.
     */
    async expire(): Promise<number> {
      const days = Math.min(Math.max(await retentionDays(), AUDIT_RETENTION_MIN_DAYS), AUDIT_RETENTION_MAX_DAYS);
      let removed = 0;
      for (;;) {
        const batch = await db.transaction(async (tx) => {
          const [lock] = await tx
            .execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${EXPIRY_LOCK}) as locked`)
            .then((result) => (result as unknown as { rows: Array<{ locked: boolean }> }).rows);
          if (!lock?.locked) return 0;
          await tx.execute(sql`select set_config('webox.audit_expiry', 'on', true)`);
          const oldest = tx
            .select({ id: auditEvent.id })
            .from(auditEvent)
            .where(lt(auditEvent.at, sql`now() - make_interval(days => ${days}::int)`))
            .limit(EXPIRY_BATCH);
          const gone = await tx
            .delete(auditEvent)
            .where(inArray(auditEvent.id, oldest))
            .returning({ id: auditEvent.id });
          // The removal is on the record too, in the same transaction: the trail says when and how many.
          if (gone.length > 0) {
            await trail.record(tx, {
              action: 'audit.expired',
              actor: SYSTEM_ACTOR,
              target: { kind: 'audit_settings', id: 'retention' },
              details: { removed: gone.length, olderThanDays: days },
            });
          }
          return gone.length;
        });
        removed += batch;
        if (batch < EXPIRY_BATCH) return removed;
      }
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/**
 * The expiry's timer: once a while after the start (not during it), then every hour. Unref'd, so
 * it never keeps a process alive; `stop()` (onClose) clears it. A failed run is logged and retried
 * at the next hour: the rows only wait a little longer.
 */
export function startAuditExpiry(options: {
  expire: () => Promise<number>;
  log: { info(object: object, message: string): void; error(object: object, message: string): void };
  firstDelayMs?: number;
  intervalMs?: number;
}): { stop(): void } {
  const { expire, log } = options;
  let stopped = false;
  const run = async () => {
    if (stopped) return;
    try {
      const removed = await expire();
      if (removed > 0) log.info({ removed }, 'audit trail: rows past their retention removed');
    } catch (error) {
      log.error({ err: error }, 'audit trail expiry failed; it runs again in an hour');
    }
  };
  const first = setTimeout(() => void run(), options.firstDelayMs ?? 5 * 60_000);
  first.unref();
  const every = setInterval(() => void run(), options.intervalMs ?? 60 * 60_000);
  every.unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
