// The groups module's tables. user_group: a class or a department, with its own budgets on the
// global keys and the models it may use there (null: no restriction from the group). A user
// belongs to at most one group (user_group_member's key is the user), as a member or as the
// group's admin, who sees and manages that group's members and usage and no one else's.
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { BudgetLimitsView } from '../../../shared/limits.ts';
import { user } from './auth.ts';

export type GroupRole = 'member' | 'admin';

export const userGroup = pgTable('user_group', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  description: text('description').notNull().default(''),
  /** Budgets on the global keys for each member; null: the group sets none (plan or default apply). */
  budgets: jsonb('budgets').$type<BudgetLimitsView>(),
  /** `provider/model` ids the members may use on the global keys; null: no restriction. */
  models: jsonb('models').$type<string[]>(),
  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});

export const userGroupMember = pgTable(
  'user_group_member',
  {
    /** One group per user at most. */
    userId: text('user_id')
      .primaryKey()
      .references(() => user.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => userGroup.id, { onDelete: 'cascade' }),
    role: text('role').$type<GroupRole>().notNull().default('member'),
    addedAt: timestamp('added_at', { withTimezone: true }).defaultNow().notNull(),
  },
  (table) => [index('user_group_member_group_idx').on(table.groupId)],
);
