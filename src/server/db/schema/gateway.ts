// Personal access tokens for the OpenAI-compatible API. Only a SHA-256 hash of the token is
// stored (tokens carry 256 random bits, so a plain hash is enough and survives key rotation).
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth.ts';

export const accessToken = pgTable(
  'access_token',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Hex SHA-256 of the whole token. */
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters of the token (`wbx_AbCd…`), so a user can tell their tokens apart. */
    prefix: text('prefix').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    /** The token's own requests-per-minute limit, on top of its owner's (null: the owner's only). */
    requestsPerMinute: integer('requests_per_minute'),
    /** Revoked tokens are kept (usage rows refer to them) but never authenticate again. */
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [index('access_token_user_idx').on(table.userId)],
);
