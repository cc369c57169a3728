// Single sign-on and two-factor settings (one row). The two-factor plugin's own table is in auth.ts.
import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const timestampTz = (name: string) => timestamp(name, { withTimezone: true });

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
