// The single sign-on and two-factor settings (one row of auth_settings), the environment's OIDC
// settings over them, and what every instance holds in memory: read again when the change bus
// says they changed (docs/sso-2fa.md). The client secret is sealed with the vault's AES-256-GCM
// under the active master key; it is opened in memory only, to hand to better-auth. The vault's
// key rotation re-seals it through ssoSealedSecret (registered with app.vault, and handed to
// `webox vault rotate`).
import { and, eq } from 'drizzle-orm';
import type { SsoSettingsBody, SsoSettingsView } from '../../shared/sso.ts';
import { createCachedSnapshot } from '../cache/cached-snapshot.ts';
import type { ChangeBus } from '../cache/change-bus.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { authSettings } from '../db/schema/auth.ts';
import { type KeyPlace, type Keyring, open, seal } from '../vault/crypto.ts';
import type { SealedValues } from '../vault/vault-rotation.ts';
import { OIDC_PROVIDER_ID, type OidcProviderSettings } from './auth-instance.ts';
import { ssoErrors } from './sso-errors.ts';

export const SSO_SETTINGS_CHANNEL = 'sso-settings';
const SETTINGS_ID = 1;
/** A safety net for a notice that never came: the settings are read again at most this old. */
const MAX_AGE_MS = 60_000;
/** Where the client secret's ciphertext belongs: it opens nowhere else. */
const SECRET_PLACE: KeyPlace = { scope: 'global', ownerId: null, provider: 'oidc-client-secret' };
export const SECRET_MASK = '••••••••';

type Row = typeof authSettings.$inferSelect;

export interface SsoState {
  source: 'environment' | 'settings' | 'none';
  /** The provider in use, secret opened; null when single sign-on is off. */
  oidc: (OidcProviderSettings & { name: string }) | null;
  ssoOnly: boolean;
  requireAdminTwoFactor: boolean;
  /** The stored row (its secret still sealed), for the admin's view. */
  row: Row | null;
  /** Set when the stored secret cannot be opened (a master key dropped too early). */
  secretUnreadable: boolean;
}

interface SettingsLogger {
  warn(object: Record<string, unknown>, message: string): void;
}

const hostOf = (issuer: string) => {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
};

/**
 * The stored client secret for the vault's rotation. An instance holds the secret opened in memory,
 * so a re-sealed row changes nothing it serves; the next read of the row finds the new ciphertext.
 */
export function ssoSealedSecret(db: Database): SealedValues {
  return {
    async list() {
      const [row] = await db
        .select({ ciphertext: authSettings.oidcClientSecretSealed })
        .from(authSettings)
        .where(eq(authSettings.id, SETTINGS_ID));
      return row?.ciphertext ? [{ id: String(SETTINGS_ID), ciphertext: row.ciphertext, place: SECRET_PLACE }] : [];
    },
    async replace(_id, previous, next) {
      const updated = await db
        .update(authSettings)
        .set({ oidcClientSecretSealed: next })
        .where(and(eq(authSettings.id, SETTINGS_ID), eq(authSettings.oidcClientSecretSealed, previous)))
        .returning({ id: authSettings.id });
      return updated.length > 0;
    },
  };
}

export function createSsoSettings(options: {
  config: Config;
  db: Database;
  keyring: Keyring;
  bus: ChangeBus;
  log: SettingsLogger;
}) {
  const { config, db, keyring, bus, log } = options;

  function stateOf(row: Row | null): SsoState {
    const base = {
      ssoOnly: row?.ssoOnly ?? false,
      requireAdminTwoFactor: row?.requireAdminTwoFactor ?? false,
      row,
      secretUnreadable: false,
    };
    if (config.oidc) {
      const { issuer, clientId, clientSecret, name } = config.oidc;
      return { ...base, source: 'environment', oidc: { issuer, clientId, clientSecret, name: name ?? hostOf(issuer) } };
    }
    if (row?.oidcIssuer && row.oidcClientId && row.oidcClientSecretSealed) {
      let clientSecret: string;
      try {
        clientSecret = open(keyring, row.oidcClientSecretSealed, SECRET_PLACE);
      } catch (error) {
        log.warn({ err: error }, 'the stored OIDC client secret cannot be decrypted: single sign-on is off');
        return { ...base, source: 'none', oidc: null, secretUnreadable: true };
      }
      const issuer = row.oidcIssuer;
      return {
        ...base,
        source: 'settings',
        oidc: { issuer, clientId: row.oidcClientId, clientSecret, name: row.oidcName ?? hostOf(issuer) },
      };
    }
    return { ...base, source: 'none', oidc: null };
  }

  async function readRow(): Promise<Row | null> {
    const [row] = await db.select().from(authSettings).where(eq(authSettings.id, SETTINGS_ID));
    return row ?? null;
  }

  const snapshot = createCachedSnapshot<SsoState>({
    load: async () => stateOf(await readRow()),
    initial: stateOf(null),
    maxAgeMs: MAX_AGE_MS,
  });
  snapshot.follow(bus, SSO_SETTINGS_CHANNEL);

  return {
    refresh: () => snapshot.refresh(),
    current: (): SsoState => snapshot.current(),

    /** The admin's view: never the secret, a fixed mask when one is set. */
    view(): SsoSettingsView {
      const state = snapshot.current();
      const fromEnvironment = state.source === 'environment' && config.oidc;
      const row = state.row;
      const secretSet = fromEnvironment ? true : Boolean(row?.oidcClientSecretSealed);
      return {
        source: state.source,
        configured: state.oidc !== null,
        issuer: fromEnvironment ? config.oidc.issuer : (row?.oidcIssuer ?? null),
        clientId: fromEnvironment ? config.oidc.clientId : (row?.oidcClientId ?? null),
        clientSecretSet: secretSet,
        clientSecretMask: secretSet ? SECRET_MASK : null,
        name: fromEnvironment ? (config.oidc.name ?? null) : (row?.oidcName ?? null),
        callbackUrl: `${config.publicUrl}/api/auth/callback/${OIDC_PROVIDER_ID}`,
        ssoOnly: state.ssoOnly,
        requireAdminTwoFactor: state.requireAdminTwoFactor,
      };
    },

    /**
     * Applies the admin's change (fields left out are kept) and tells every instance. The OIDC
     * fields are either all set or all empty once the change is applied.
     */
    async update(change: SsoSettingsBody, adminId: string) {
      const row = await readRow();
      const next = {
        oidcIssuer: change.issuer === undefined ? (row?.oidcIssuer ?? null) : change.issuer,
        oidcClientId: change.clientId === undefined ? (row?.oidcClientId ?? null) : change.clientId,
        oidcClientSecretSealed:
          change.clientSecret === undefined
            ? (row?.oidcClientSecretSealed ?? null)
            : change.clientSecret === null
              ? null
              : seal(keyring, change.clientSecret, SECRET_PLACE),
        oidcName: change.name === undefined ? (row?.oidcName ?? null) : change.name,
        ssoOnly: change.ssoOnly ?? row?.ssoOnly ?? false,
        requireAdminTwoFactor: change.requireAdminTwoFactor ?? row?.requireAdminTwoFactor ?? false,
      };
      const set = [next.oidcIssuer, next.oidcClientId, next.oidcClientSecretSealed];
      if (set.some((value) => value !== null) && set.some((value) => value === null)) {
        const missing =
          next.oidcIssuer === null ? 'the issuer' : next.oidcClientId === null ? 'the client id' : 'the client secret';
        throw ssoErrors.incomplete(missing);
      }
      // SSO only with no way to sign in by SSO would leave only the first admin able to sign in.
      if (next.ssoOnly && next.oidcIssuer === null && !config.oidc) throw ssoErrors.incomplete('the issuer');
      const values = { ...next, updatedBy: adminId, updatedAt: new Date() };
      await db
        .insert(authSettings)
        .values({ id: SETTINGS_ID, ...values })
        .onConflictDoUpdate({ target: authSettings.id, set: values });
      await bus.publish(SSO_SETTINGS_CHANNEL, 'settings');
      await snapshot.refresh();
    },
  };
}

export type SsoSettings = ReturnType<typeof createSsoSettings>;
