// The first-run checklist's one row: what the admins said (dismissed, skipped steps), never what
// is done (that is read from each module's state).
import { eq } from 'drizzle-orm';
import { FIRST_RUN_STEPS, type FirstRunStepId } from '../../shared/first-run.ts';
import type { Database } from '../db/client.ts';
import { firstRun } from '../db/schema/first-run.ts';

export interface FirstRunChoices {
  dismissed: boolean;
  skipped: FirstRunStepId[];
}

const isStep = (value: string): value is FirstRunStepId => (FIRST_RUN_STEPS as readonly string[]).includes(value);

export function createFirstRunStore(db: Database) {
  return {
    async read(): Promise<FirstRunChoices> {
      const [row] = await db.select().from(firstRun).where(eq(firstRun.id, 1));
      return { dismissed: row?.dismissedAt != null, skipped: (row?.skipped ?? []).filter(isStep) };
    },
    async write(change: { dismissed?: boolean; skipped?: FirstRunStepId[] }, actorId: string) {
      const set = {
        ...(change.dismissed === undefined ? {} : { dismissedAt: change.dismissed ? new Date() : null }),
        ...(change.skipped === undefined ? {} : { skipped: [...new Set(change.skipped)] }),
        updatedBy: actorId,
        updatedAt: new Date(),
      };
      await db
        .insert(firstRun)
        .values({ id: 1, ...set })
        .onConflictDoUpdate({ target: firstRun.id, set });
    },
  };
}
