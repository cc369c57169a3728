// better-auth's tables (core + admin plugin), written from the schema its Drizzle generator emits
// for these options, with time zones on timestamps. Only the auth module reads or writes them
// directly; other modules ask the auth module's service functions.
import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const timestampTz = (name: string) => timestamp(name, { withTimezone: true });

export const user = pgTable('user', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  emailVerified: boolean('email_verified').default(false).notNull(),
  image: text('image'),
  createdAt: timestampTz('created_at').defaultNow().notNull(),
  updatedAt: timestampTz('updated_at')
    .defaultNow()
    .$onUpdate(() => new Date())
    .notNull(),
  role: text('role'),
  banned: boolean('banned').default(false),
  banReason: text('ban_reason'),
  banExpires: timestampTz('ban_expires'),
  /** better-auth's two-factor plugin. */
  twoFactorEnabled: boolean('two_factor_enabled').default(false),
});

export const session = pgTable(
  'session',
  {
    id: text('id').primaryKey(),
    expiresAt: timestampTz('expires_at').notNull(),
    token: text('token').notNull().unique(),
    createdAt: timestampTz('created_at').defaultNow().notNull(),
    updatedAt: timestampTz('updated_at')
      .$onUpdate(() => new Date())
      .notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    impersonatedBy: text('impersonated_by'),
  },
  (table) => [index('session_user_id_idx').on(table.userId)],
);

export const account = pgTable(
  'account',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestampTz('access_token_expires_at'),
    refreshTokenExpiresAt: timestampTz('refresh_token_expires_at'),
    scope: text('scope'),
    password: text('password'),
    createdAt: timestampTz('created_at').defaultNow().notNull(),
    updatedAt: timestampTz('updated_at')
      .$onUpdate(() => new Date())
      .notNull(),
  },
  (table) => [index('account_user_id_idx').on(table.userId)],
);

export const verification = pgTable(
  'verification',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestampTz('expires_at').notNull(),
    createdAt: timestampTz('created_at').defaultNow().notNull(),
    updatedAt: timestampTz('updated_at')
      .defaultNow()
      .$onUpdate(() => new Date())
      .notNull(),
  },
  (table) => [index('verification_identifier_idx').on(table.identifier)],
);

/** better-auth's two-factor plugin table (its secret and backup codes are encrypted by better-auth). */
export const twoFactor = pgTable(
  'two_factor',
  {
    id: text('id').primaryKey(),
    secret: text('secret').notNull(),
    backupCodes: text('backup_codes').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    verified: boolean('verified').default(true),
    failedVerificationCount: integer('failed_verification_count').default(0),
    lockedUntil: timestampTz('locked_until'),
  },
  (table) => [index('two_factor_secret_idx').on(table.secret), index('two_factor_user_id_idx').on(table.userId)],
);

/**
 * WeBox's own, not better-auth's: the single sign-on and two-factor settings (one row), read by the
 * auth module only (auth/sso-settings.ts). better-auth's adapter ignores it.
 */
export const authSettings = pgTable('auth_settings', {
  /** Always 1: the table holds one row. */
  id: integer('id').primaryKey().default(1),
  oidcIssuer: text('oidc_issuer'),
  oidcClientId: text('oidc_client_id'),
  /** Sealed with the vault's AES-256-GCM (crypto.ts), never in clear. */
  oidcClientSecretSealed: text('oidc_client_secret_sealed'),
  oidcName: text('oidc_name'),
  /** Password sign-in and sign-up refused, except for the first admin. */
  ssoOnly: boolean('sso_only').default(false).notNull(),
  /** Admins without two-factor are held to setting it up before any admin route. */
  requireAdminTwoFactor: boolean('require_admin_two_factor').default(false).notNull(),
  updatedBy: text('updated_by'),
  updatedAt: timestampTz('updated_at').defaultNow().notNull(),
});
