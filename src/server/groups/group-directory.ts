// What other modules may ask of groups before the groups module has routes of its own: whether
// groups exist, which group a name is, and adding a member (an accepted invitation joins its group).
import { eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { userGroup, userGroupMember } from '../db/schema/groups.ts';

export function createGroupDirectory(db: Database) {
  return {
    /** The ids among these that are groups. */
    async existing(ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await db
        .select({ id: userGroup.id })
        .from(userGroup)
        .where(inArray(userGroup.id, [...ids]));
      return new Set(rows.map((row) => row.id));
    },
    /** Group ids by their name, lowercased (names are unique; a class list names groups). */
    async idsByName(): Promise<Map<string, string>> {
      const rows = await db.select({ id: userGroup.id, name: userGroup.name }).from(userGroup);
      return new Map(rows.map((row) => [row.name.trim().toLowerCase(), row.id]));
    },
    /** Makes the user a member of the group (their only group: one group per user). */
    async addMember(tx: Database, userId: string, groupId: string) {
      await tx
        .insert(userGroupMember)
        .values({ userId, groupId, role: 'member' })
        .onConflictDoUpdate({
          target: userGroupMember.userId,
          set: { groupId, role: sql`'member'`, addedAt: new Date() },
        });
    },
    async groupOf(userId: string): Promise<string | null> {
      const [row] = await db
        .select({ groupId: userGroupMember.groupId })
        .from(userGroupMember)
        .where(eq(userGroupMember.userId, userId));
      return row?.groupId ?? null;
    },
  };
}

export type GroupDirectory = ReturnType<typeof createGroupDirectory>;
