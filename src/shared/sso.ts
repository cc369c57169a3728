// Single sign-on (OpenID Connect) and two-factor settings as the API answers them (docs/sso-2fa.md),
// shared by the server's route schemas and the web app's types. The client secret is write-only:
// answers say whether one is set, never what it is.
import { z } from 'zod';
import { singleLineText } from './text.ts';

export const OIDC_URL_MAX = 2000;
export const OIDC_CLIENT_ID_MAX = 500;
export const OIDC_CLIENT_SECRET_MAX = 2000;
export const OIDC_NAME_MAX = 60;

/** An issuer: an https URL (http only for localhost, as tests and development use). */
export const oidcIssuer = z
  .string()
  .trim()
  .max(OIDC_URL_MAX)
  .refine((value) => {
    try {
      const url = new URL(value);
      const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
      return (
        (url.protocol === 'https:' || (url.protocol === 'http:' && local)) &&
        url.username === '' &&
        url.password === '' &&
        url.search === '' &&
        url.hash === ''
      );
    } catch {
      return false;
    }
  }, 'must be an https URL without credentials, query or fragment (http only for localhost)')
  .transform((value) => value.replace(/\/+$/, ''));

export const ssoSettingsBody = z
  .object({
    issuer: oidcIssuer.nullable().optional().describe('null: single sign-on off (with clientId and clientSecret).'),
    clientId: singleLineText({ trim: true, min: 1, max: OIDC_CLIENT_ID_MAX }).nullable().optional(),
    clientSecret: singleLineText({ min: 1, max: OIDC_CLIENT_SECRET_MAX })
      .nullable()
      .optional()
      .describe('Write-only; stored encrypted. Omit it to keep the one stored; null removes it.'),
    name: singleLineText({ trim: true, min: 1, max: OIDC_NAME_MAX })
      .nullable()
      .optional()
      .describe('Shown on the sign-in button ("Se connecter avec <name>"); null: the issuer\'s host.'),
    ssoOnly: z.boolean().optional(),
    requireAdminTwoFactor: z.boolean().optional(),
  })
  .strict();
export type SsoSettingsBody = z.infer<typeof ssoSettingsBody>;

export const ssoSettingsView = z
  .object({
    source: z
      .enum(['environment', 'settings', 'none'])
      .describe('Where the OIDC settings in use come from: the environment (WEBOX_OIDC_*) wins over these.'),
    configured: z.boolean().describe('Single sign-on is on: issuer, client id and secret are all set.'),
    issuer: z.string().nullable(),
    clientId: z.string().nullable(),
    clientSecretSet: z.boolean().describe('Whether a secret is set; it is never answered.'),
    clientSecretMask: z
      .string()
      .nullable()
      .describe('A fixed mask (`••••••••`) when a secret is set, holding none of it; null otherwise.'),
    name: z.string().nullable(),
    callbackUrl: z.string().describe('The redirect URI to register with the identity provider.'),
    ssoOnly: z.boolean(),
    requireAdminTwoFactor: z.boolean(),
  })
  .meta({ id: 'SsoSettings', description: 'Single sign-on and two-factor settings.' });
export type SsoSettingsView = z.infer<typeof ssoSettingsView>;

export const ssoPublicView = z
  .object({
    enabled: z.boolean(),
    providerId: z.string().describe('The `provider` to give POST /api/auth/sign-in/social.'),
    name: z.string().nullable().describe("The button's name; null when single sign-on is off."),
    ssoOnly: z.boolean().describe('Password sign-in is refused (except for the first admin).'),
  })
  .meta({ id: 'SsoPublic', description: 'What the sign-in page needs to know about single sign-on.' });
export type SsoPublicView = z.infer<typeof ssoPublicView>;
