// The invitations module's tables. invitation: one address invited to make an account, with the
// role it gets and optionally the group it joins; the token is stored only as its SHA-256 (it
// carries 256 random bits), used once, revocable. account_settings: one row, the admin's settings
// for sign-up (no row: the defaults).
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth.ts';
import { userGroup } from './groups.ts';

export const invitation = pgTable(
  'invitation',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    /** The name the admin gave (a class list's), offered on the acceptance page; the invitee may change it. */
    name: text('name'),
    role: text('role').$type<'admin' | 'user'>().notNull().default('user'),
    groupId: uuid('group_id').references(() => userGroup.id, { onDelete: 'set null' }),
    /** The language of its e-mail and of the page the link opens. */
    locale: text('locale').$type<'fr' | 'en'>().notNull().default('fr'),
    /** SHA-256 of the token, base64url. */
    tokenHash: text('token_hash').notNull(),
    invitedBy: text('invited_by').references(() => user.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedUserId: text('accepted_user_id').references(() => user.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    emailSentAt: timestamp('email_sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  },
  (table) => [
    uniqueIndex('invitation_token_hash_idx').on(table.tokenHash),
    index('invitation_email_idx').on(table.email),
  ],
);

export const accountSettings = pgTable('account_settings', {
  /** Always 1: the table holds one row. */
  id: integer('id').primaryKey().default(1),
  /** Sign-ups allowed per client address per minute; null: the default (AUTH_ATTEMPTS_PER_MINUTE). */
  signupsPerAddressPerMinute: integer('signups_per_address_per_minute'),
  /** Whether anyone may sign up ('open') or only admins make accounts ('closed'); null: WEBOX_SIGNUP. */
  signup: text('signup', { enum: ['open', 'closed'] }),
  updatedBy: text('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
});
