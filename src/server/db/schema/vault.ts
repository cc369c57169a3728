// Provider API keys, sealed by the vault (DESIGN §4). The ciphertext and the mask live in their
// own columns: listing keys reads only the mask and never decrypts.
import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth.ts';

export const providerKey = pgTable(
  'provider_key',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** 'personal' (owned by ownerId) or 'global' (the operator's, ownerId null). */
    scope: text('scope', { enum: ['personal', 'global'] }).notNull(),
    ownerId: text('owner_id').references(() => user.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    /** `wbx1:<keyId>:<nonce>:<ciphertext+tag>`; only the vault reads it. */
    ciphertext: text('ciphertext').notNull(),
    /** Id of the master key that sealed the row, so rotation finds what is left to re-encrypt. */
    masterKeyId: text('master_key_id').notNull(),
    mask: text('mask').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow().notNull(),
    updatedBy: text('updated_by'),
    /** When the provider last accepted this key on save (`verify: true`); null: saved unchecked. */
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('provider_key_personal_unique')
      .on(table.ownerId, table.provider)
      .where(sql`${table.scope} = 'personal'`),
    uniqueIndex('provider_key_global_unique').on(table.provider).where(sql`${table.scope} = 'global'`),
    index('provider_key_master_key_id_idx').on(table.masterKeyId),
    check(
      'provider_key_owner_matches_scope',
      sql`(${table.scope} = 'personal' and ${table.ownerId} is not null) or (${table.scope} = 'global' and ${table.ownerId} is null)`,
    ),
  ],
);
