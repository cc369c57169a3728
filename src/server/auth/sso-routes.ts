// Single sign-on: what the sign-in page needs (GET /api/sso, public) and the admin's settings
// (GET/PUT /api/admin/sso). The client secret is write-only: answers carry a fixed mask at most.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ssoPublicView, ssoSettingsBody, ssoSettingsView } from '../../shared/sso.ts';
import { OIDC_PROVIDER_ID } from './auth-instance.ts';
import { currentUser } from './auth-plugin.ts';
import { adminScope } from './route-scopes.ts';

const tags = ['Accounts'];

export const ssoRoutes: FastifyPluginAsyncZod = async (app) => {
  const { settings } = app.sso;

  app.get(
    '/api/sso',
    {
      schema: {
        tags,
        summary: 'Single sign-on, for the sign-in page',
        description:
          'No session needed. When `enabled`, the sign-in page offers "Sign in with `name`": POST /api/auth/sign-in/social with `{provider: providerId, callbackURL}`.',
        response: { 200: ssoPublicView },
      },
    },
    async () => {
      const { oidc, ssoOnly } = settings.current();
      return {
        enabled: oidc !== null,
        providerId: OIDC_PROVIDER_ID,
        name: oidc?.name ?? null,
        ssoOnly: ssoOnly && oidc !== null,
      };
    },
  );

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/sso',
        {
          schema: {
            tags,
            summary: 'The single sign-on and two-factor settings',
            description:
              '`source` `environment`: WEBOX_OIDC_ISSUER, WEBOX_OIDC_CLIENT_ID and WEBOX_OIDC_CLIENT_SECRET are set and win over the stored issuer, client id, secret and name. The client secret is never answered.',
            response: { 200: ssoSettingsView },
          },
        },
        async () => settings.view(),
      );

      app.put(
        '/api/admin/sso',
        {
          schema: {
            tags,
            summary: 'Change the single sign-on and two-factor settings',
            description:
              'Any subset; the rest is kept. Issuer, client id and secret are all set or all null (400 `invalid_request` otherwise); the secret is stored encrypted with the master key. `ssoOnly` refuses password sign-in and sign-up to all but the first admin, and needs single sign-on configured. `requireAdminTwoFactor` holds every admin without two-factor to setting it up (403 `two_factor_required` on admin routes). Every instance applies the change within a second. Answers the whole object.',
            body: ssoSettingsBody,
            response: { 200: ssoSettingsView },
          },
        },
        async (request) => {
          if (Object.keys(request.body).length > 0) await settings.update(request.body, currentUser(request).id);
          return settings.view();
        },
      );
    }),
  );
};
