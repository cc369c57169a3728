// Groups (a class, a department): their members, one group per user, some of them the group's
// admins, and what the group sets on the global keys (a budget, a model list). The completion
// path asks, on every call on the global keys, which group a user is in: each user's membership
// is cached in memory and dropped on every change, on every instance, through the change bus
// (a read that overlaps a change is never kept: the cached map's generation guard). Each write
// takes an optional CommitScope: another module's transaction (an accepted invitation joins its
// group in the transaction that records the acceptance), in which it writes, and after whose
// commit it announces the change.
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { GroupRole, GroupView } from '../../shared/groups.ts';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.ts';
import { createCachedMap } from '../cache/cached-map.ts';
import { ACCOUNT_CHANNEL, type ChangeBus, RESYNC } from '../cache/change-bus.ts';
import { type CommitScope, inTransaction } from '../db/after-commit.ts';
import type { Database } from '../db/client.ts';
import { userGroup, userGroupMember } from '../db/schema/groups.ts';
import { commonErrors } from '../errors.ts';
import type { BudgetLimits } from '../metering/limit-policies.ts';
import { providers } from '../providers/registry.ts';
import { groupErrors } from './group-errors.ts';

/**
 * The change bus's channel for groups: `u:<userId>` when a user's membership changed, `g:<groupId>`
 * when a group's settings changed or it was deleted (every member's entry is dropped).
 */
export const GROUP_CHANNEL = 'user-group';
const CACHE_MAX_ENTRIES = 50_000;
/** A safety net for a notice that never came. */
const CACHE_TTL_MS = 60_000;

/** The group a user is in, as the hot path reads it. */
export interface Membership {
  groupId: string;
  name: string;
  role: GroupRole;
  budgets: BudgetLimits | null;
  models: string[] | null;
}

/** A group's budget for one of its members, in metering's terms (BudgetFallback.group). */
export interface GroupBudget {
  budget: BudgetLimits | null;
  name: string;
}

type GroupRow = typeof userGroup.$inferSelect;

const catalogue = new Set(
  providers.flatMap((provider) => provider.models.map((model) => `${provider.id}/${model.id}`)),
);

/** A group may list only catalogue models: an id outside it is a typo the members would pay for. */
function checkModels(models: readonly string[] | null | undefined): string[] | null | undefined {
  if (!models) return models;
  for (const id of models) if (!catalogue.has(id)) throw groupErrors.unknownModel(id);
  return [...new Set(models)];
}

const hasCode = (error: unknown, code: string) =>
  (error as { code?: string } | undefined)?.code === code ||
  (error as { cause?: { code?: string } } | undefined)?.cause?.code === code;
const isUniqueViolation = (error: unknown) => hasCode(error, '23505');
/** A member row naming an account that does not exist (or no longer does). */
const isForeignKeyViolation = (error: unknown) => hasCode(error, '23503');

function toView(row: GroupRow, memberCount: number): GroupView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    budgets: row.budgets ?? null,
    models: row.models ?? null,
    memberCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Group ids are UUIDs: anything else names no group (and must not reach a uuid column). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createGroupService(options: {
  db: Database;
  bus: ChangeBus;
  /** Whether an account exists (the users module answers; its table is not ours). */
  userExists: (userId: string) => Promise<boolean>;
  audit: AuditTrail;
}) {
  const { db, bus, userExists, audit } = options;

  const memberships = createCachedMap<Membership | null>({
    load: readMembership,
    maxEntries: CACHE_MAX_ENTRIES,
    ttlMs: CACHE_TTL_MS,
  });
  memberships.follow(bus, GROUP_CHANNEL, (message) => {
    if (message === RESYNC) memberships.invalidateAll();
    else if (message.startsWith('u:')) memberships.invalidate(message.slice(2));
    else if (message.startsWith('g:')) {
      const groupId = message.slice(2);
      memberships.invalidateWhere((value) => value?.groupId === groupId);
    } else memberships.invalidateAll();
  });
  // A deleted account's membership goes with it (the row cascades).
  memberships.follow(bus, ACCOUNT_CHANNEL);

  async function readMembership(userId: string): Promise<Membership | null> {
    const [row] = await db
      .select({
        groupId: userGroup.id,
        name: userGroup.name,
        role: userGroupMember.role,
        budgets: userGroup.budgets,
        models: userGroup.models,
      })
      .from(userGroupMember)
      .innerJoin(userGroup, eq(userGroup.id, userGroupMember.groupId))
      .where(eq(userGroupMember.userId, userId));
    if (!row) return null;
    return { ...row, role: row.role === 'admin' ? 'admin' : 'member', budgets: row.budgets ?? null };
  }

  // A user in no group is cached as null, and answered from memory like any other.
  const membershipOf = async (userId: string) => memberships.get(userId);
  /** Announces a change now, or, in a caller's transaction, once that has committed. */
  async function announce(scope: CommitScope | undefined, message: string) {
    const publish = () => bus.publish(GROUP_CHANNEL, message);
    if (scope) scope.afterCommit(publish);
    else await publish();
  }
  const groupChanged = (groupId: string, scope?: CommitScope) => announce(scope, `g:${groupId}`);
  const memberChanged = (userId: string, scope?: CommitScope) => announce(scope, `u:${userId}`);

  /** A group's budgets are on the global keys only: one set of limits. */
  const BUDGET_LIMITS = ['dayMicrousd', 'monthMicrousd', 'dayTokens', 'monthTokens'] as const;

  /** `budget.changed` for a group: each limit that changed, with its value before. */
  async function recordBudgets(tx: Database, actor: AuditActor, row: GroupRow, before: BudgetLimits | null) {
    const details: Record<string, number | string | null> = { scope: 'group', group: row.name };
    for (const limit of BUDGET_LIMITS) {
      const was = before?.[limit] ?? null;
      const now = row.budgets?.[limit] ?? null;
      if (was === now) continue;
      details[`${limit}Before`] = was;
      details[limit] = now;
    }
    await audit.record(tx, {
      action: 'budget.changed',
      actor,
      target: { kind: 'budget', id: `group/${row.id}` },
      details,
    });
  }

  async function findRow(id: string, on: Database = db): Promise<GroupRow | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = await on.select().from(userGroup).where(eq(userGroup.id, id));
    return row;
  }

  async function memberCount(id: string, on: Database = db) {
    const [row] = await on.select({ members: count() }).from(userGroupMember).where(eq(userGroupMember.groupId, id));
    return row?.members ?? 0;
  }

  async function requireGroup(id: string, on: Database = db): Promise<GroupRow> {
    const row = await findRow(id, on);
    if (!row) throw commonErrors.notFound('The group');
    return row;
  }

  return {
    membershipOf,

    /** The `provider/model` ids the user's group allows on the global keys; null: no restriction. */
    async modelsOf(userId: string): Promise<string[] | null> {
      return (await membershipOf(userId))?.models ?? null;
    },

    /** The user's group's budget on the global keys (null: the user is in no group). */
    async budgetsOf(userId: string): Promise<GroupBudget | null> {
      const membership = await membershipOf(userId);
      return membership ? { budget: membership.budgets, name: membership.name } : null;
    },

    async list(): Promise<GroupView[]> {
      const [rows, counts] = await Promise.all([
        db.select().from(userGroup).orderBy(asc(userGroup.name)),
        db
          .select({ groupId: userGroupMember.groupId, members: count() })
          .from(userGroupMember)
          .groupBy(userGroupMember.groupId),
      ]);
      const byGroup = new Map(counts.map((entry) => [entry.groupId, entry.members]));
      return rows.map((row) => toView(row, byGroup.get(row.id) ?? 0));
    },

    async get(id: string): Promise<GroupView> {
      const row = await requireGroup(id);
      return toView(row, await memberCount(id));
    },

    /** Whether a group has this id. */
    async exists(id: string): Promise<boolean> {
      return (await findRow(id)) !== undefined;
    },

    /** Every group's name by its id. */
    async names(): Promise<Map<string, string>> {
      const rows = await db.select({ id: userGroup.id, name: userGroup.name }).from(userGroup);
      return new Map(rows.map((row) => [row.id, row.name]));
    },

    /** A group made with budgets is in the audit trail as their change (from none). */
    async create(
      actor: AuditActor,
      input: { name: string; description?: string; budgets?: BudgetLimits | null; models?: string[] | null },
    ): Promise<GroupView> {
      const models = checkModels(input.models) ?? null;
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(userGroup)
          .values({ name: input.name, description: input.description ?? '', budgets: input.budgets ?? null, models })
          .onConflictDoNothing({ target: userGroup.name })
          .returning();
        if (!row) throw groupErrors.nameTaken();
        if (row.budgets) await recordBudgets(tx, actor, row, null);
        return toView(row, 0);
      });
    },

    /** A change of the group's budgets is in the audit trail, in the change's transaction. */
    async update(
      actor: AuditActor,
      id: string,
      change: { name?: string; description?: string; budgets?: BudgetLimits | null; models?: string[] | null },
      shared?: CommitScope,
    ): Promise<GroupView> {
      const models = checkModels(change.models);
      const apply = async (scope: CommitScope) => {
        const on = scope.tx;
        const before = await requireGroup(id, on);
        let row: GroupRow | undefined;
        try {
          [row] = await on
            .update(userGroup)
            .set({
              ...(change.name === undefined ? {} : { name: change.name }),
              ...(change.description === undefined ? {} : { description: change.description }),
              ...(change.budgets === undefined ? {} : { budgets: change.budgets }),
              ...(models === undefined ? {} : { models }),
              updatedAt: new Date(),
            })
            .where(eq(userGroup.id, id))
            .returning();
        } catch (error) {
          if (isUniqueViolation(error)) throw groupErrors.nameTaken();
          throw error;
        }
        if (!row) throw commonErrors.notFound('The group');
        if (change.budgets !== undefined) await recordBudgets(on, actor, row, before.budgets);
        await groupChanged(id, scope);
        return toView(row, await memberCount(id, on));
      };
      // In the caller's transaction when there is one, else in one of its own (with the audit row).
      return shared ? apply(shared) : inTransaction(db, apply);
    },

    /** Deletes the group; its members stay, in no group. */
    async remove(id: string, scope?: CommitScope): Promise<void> {
      const on = scope?.tx ?? db;
      await requireGroup(id, on);
      await on.delete(userGroup).where(eq(userGroup.id, id));
      await groupChanged(id, scope);
    },

    /** Members of a group, oldest first. */
    async members(groupId: string) {
      return db
        .select({ userId: userGroupMember.userId, role: userGroupMember.role, addedAt: userGroupMember.addedAt })
        .from(userGroupMember)
        .where(eq(userGroupMember.groupId, groupId))
        .orderBy(asc(userGroupMember.addedAt), asc(userGroupMember.userId));
    },

    /** These users' groups and roles (Admin › Users' column); users in no group are left out. */
    async membershipsByUser(userIds: readonly string[]): Promise<Map<string, { groupId: string; role: GroupRole }>> {
      if (userIds.length === 0) return new Map();
      const rows = await db
        .select({ userId: userGroupMember.userId, groupId: userGroupMember.groupId, role: userGroupMember.role })
        .from(userGroupMember)
        .where(inArray(userGroupMember.userId, [...userIds]));
      return new Map(
        rows.map((row) => [row.userId, { groupId: row.groupId, role: row.role === 'admin' ? 'admin' : 'member' }]),
      );
    },

    /** Ids of a group's members (null: no such group), for Admin › Users' filter. */
    async memberIds(groupId: string): Promise<string[] | null> {
      if (!(await findRow(groupId))) return null;
      const rows = await db
        .select({ userId: userGroupMember.userId })
        .from(userGroupMember)
        .where(eq(userGroupMember.groupId, groupId));
      return rows.map((row) => row.userId);
    },

    /** Ids of every user in some group (the "no group" filter). */
    async groupedIds(): Promise<string[]> {
      const rows = await db.select({ userId: userGroupMember.userId }).from(userGroupMember);
      return rows.map((row) => row.userId);
    },

    /**
     * Puts the user in the group with this role: adds them, moves them from another group (a user
     * is in one group at most), or changes their role. Unknown group or user: 404.
     */
    async setMember(groupId: string, userId: string, role: GroupRole, scope?: CommitScope): Promise<void> {
      const on = scope?.tx ?? db;
      await requireGroup(groupId, on);
      // In a caller's transaction the account may be new (not yet visible to the users module's
      // connection): the member row's foreign key says whether it exists.
      if (!scope && !(await userExists(userId))) throw commonErrors.notFound('The user');
      const values = { groupId, role, addedAt: new Date() };
      try {
        await on
          .insert(userGroupMember)
          .values({ userId, ...values })
          .onConflictDoUpdate({ target: userGroupMember.userId, set: values });
      } catch (error) {
        if (isForeignKeyViolation(error)) throw commonErrors.notFound('The user');
        throw error;
      }
      await memberChanged(userId, scope);
    },

    /** Adds the user only if they are in no group yet; false when they are in one. */
    async addIfUngrouped(groupId: string, userId: string, scope?: CommitScope): Promise<boolean> {
      const inserted = await (scope?.tx ?? db)
        .insert(userGroupMember)
        .values({ userId, groupId, role: 'member' })
        .onConflictDoNothing({ target: userGroupMember.userId })
        .returning({ userId: userGroupMember.userId });
      if (inserted.length > 0) await memberChanged(userId, scope);
      return inserted.length > 0;
    },

    /** Takes the user out of this group (only if they have `onlyRole`, when given); 404 when they are not in it. */
    async removeMember(groupId: string, userId: string, onlyRole?: GroupRole, scope?: CommitScope): Promise<void> {
      const conditions = [eq(userGroupMember.userId, userId), eq(userGroupMember.groupId, groupId)];
      if (onlyRole) conditions.push(eq(userGroupMember.role, onlyRole));
      const removed = await (scope?.tx ?? db)
        .delete(userGroupMember)
        .where(and(...conditions))
        .returning({ userId: userGroupMember.userId });
      if (removed.length === 0) throw commonErrors.notFound('The member');
      await memberChanged(userId, scope);
    },
  };
}

export type GroupService = ReturnType<typeof createGroupService>;
