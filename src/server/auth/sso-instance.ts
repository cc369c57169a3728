// The better-auth instance that serves single sign-on (POST /sign-in/social, GET /callback/oidc).
// better-auth reads its providers once, when an instance starts (the generic OAuth plugin runs
// OIDC discovery then), so a change of issuer, client id or secret needs a new instance: it is
// built and started beside the one serving, then takes over; requests already running finish on
// the old one. Both read and write the same tables with the same secret, so a sign-in begun on
// one finishes on the other (the state lives in the verification table), on any WeBox instance.
// The main instance (app.auth) never changes.
import { createHash } from 'node:crypto';
import type { ChangeBus } from '../cache/change-bus.ts';
import type { Auth, OidcProviderSettings } from './auth-instance.ts';
import { SSO_SETTINGS_CHANNEL, type SsoSettings } from './sso-settings.ts';

interface InstanceLogger {
  warn(object: Record<string, unknown>, message: string): void;
}

const fingerprint = (oidc: OidcProviderSettings) =>
  createHash('sha256')
    .update(JSON.stringify([oidc.issuer, oidc.clientId, oidc.clientSecret]))
    .digest('hex');

export function createSsoInstance(options: {
  settings: SsoSettings;
  bus: ChangeBus;
  build: (oidc: OidcProviderSettings) => Auth;
  log: InstanceLogger;
}) {
  const { settings, bus, build, log } = options;
  let serving: { key: string; auth: Auth } | null = null;
  let pending: { key: string; ready: Promise<Auth> } | null = null;

  /** The instance for the settings in force now, started; null when single sign-on is off. */
  async function current(): Promise<Auth | null> {
    const { oidc } = settings.current();
    if (!oidc) return null;
    const key = fingerprint(oidc);
    if (serving?.key === key) return serving.auth;
    if (pending?.key === key) return pending.ready;
    const auth = build(oidc);
    const ready = (async () => {
      // Starts it: the plugins' init, the provider's discovery (retried on use if it failed).
      await auth.$context;
      if (pending?.key === key) {
        serving = { key, auth };
        pending = null;
      }
      return auth;
    })();
    pending = { key, ready };
    ready.catch(() => {
      if (pending?.key === key) pending = null;
    });
    return ready;
  }

  // Another instance's (or this one's) change: build the new instance before the next sign-in.
  bus.subscribe(SSO_SETTINGS_CHANNEL, () => {
    void settings
      .refresh()
      .then(current)
      .catch((error: unknown) => log.warn({ err: error }, 'single sign-on could not start with the new settings'));
  });

  return { current };
}

export type SsoInstance = ReturnType<typeof createSsoInstance>;
