// Raising an alert: one insert that only the first instance wins (the once_key's unique index), so
// "each threshold fires once per period and scope" is decided by PostgreSQL, not by any one
// instance's memory. What follows a raise (the deliveries to the app, e-mail and webhooks) is
// queued in the same transaction by the `then` hooks, so an alert is never raised without them.
import { and, desc, eq } from 'drizzle-orm';
import type { AlertAudience, AlertDetails, AlertKind, AlertSeverity } from '../../shared/alerts.ts';
import { type CommitScope, inTransaction } from '../db/after-commit.ts';
import type { Database } from '../db/client.ts';
import { alert } from '../db/schema/alerts.ts';

export interface NewAlert {
  kind: AlertKind;
  /** Names the event and its period: the same once key is raised at most once, ever. */
  onceKey: string;
  severity: AlertSeverity;
  audience: AlertAudience;
  subjectUserId?: string | null;
  provider?: string | null;
  details?: AlertDetails;
}

export type AlertRow = typeof alert.$inferSelect;

/** Runs in the raise's transaction, for an alert just raised (never for one raised before). */
export type OnRaised = (scope: CommitScope, raised: AlertRow) => Promise<void>;

export function createAlertStore(db: Database) {
  const onRaised: OnRaised[] = [];
  return {
    /** What else a raise does, in its transaction (queueing deliveries). */
    onRaised(hook: OnRaised) {
      onRaised.push(hook);
    },

    /** The alert if this call raised it; null if it had been raised already (by any instance). */
    async raise(input: NewAlert): Promise<AlertRow | null> {
      return inTransaction(db, async (scope) => {
        const [row] = await scope.tx
          .insert(alert)
          .values({
            kind: input.kind,
            onceKey: input.onceKey,
            severity: input.severity,
            audience: input.audience,
            subjectUserId: input.subjectUserId ?? null,
            provider: input.provider ?? null,
            details: input.details ?? {},
          })
          .onConflictDoNothing({ target: alert.onceKey })
          .returning();
        if (!row) return null;
        for (const hook of onRaised) await hook(scope, row);
        return row;
      });
    },

    /** The newest alerts of an audience (the admins' list, or one user's own). */
    async latest(audience: AlertAudience, subjectUserId: string | null, limit: number) {
      const where =
        audience === 'user' && subjectUserId
          ? and(eq(alert.audience, 'user'), eq(alert.subjectUserId, subjectUserId))
          : eq(alert.audience, 'admins');
      return db.select().from(alert).where(where).orderBy(desc(alert.createdAt), desc(alert.id)).limit(limit);
    },
  };
}

export type AlertStore = ReturnType<typeof createAlertStore>;
