// /api/admin/invitations (invite, list, revoke, import a class list), the invitee's two public
// routes, the admin's password reset and the sign-up settings. docs/accounts-api.md.
import { fromNodeHeaders } from 'better-auth/node';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../shared/contracts.ts';
import {
  acceptedInvitation,
  acceptInvitationBody,
  accountSettingsBody,
  accountSettingsView,
  adminPasswordReset,
  adminPasswordResetBody,
  classListImportBody,
  createdInvitations,
  createInvitationsBody,
  invitationList,
  invitationTokenParams,
  publicInvitation,
  secretToken,
} from '../../shared/invitations.ts';
import { auditActor, signedInActor } from '../audit/audit-actor.ts';
import { CLIENT_IP_HEADER } from '../auth/auth-instance.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope } from '../auth/route-scopes.ts';
import { localeFromAcceptLanguage } from '../mail/mail-locale.ts';
import { noContent } from '../openapi/route-docs.ts';
import { invitationErrors } from './invitation-errors.ts';

const tags = ['Accounts'];

/** A token of the wrong form is refused like an unknown one (the same 404, before any query). */
function checkedToken(token: string) {
  if (!secretToken.safeParse(token).success) throw invitationErrors.invalid();
  return token;
}

export const invitationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { invitations, passwordReset, accountSettings } = app;

  // Public: the link is the credential (256 random bits, stored hashed, single use). Accepting
  // does not pass through better-auth's sign-up, so its per-address limit never counts it: a class
  // behind one school address registers in the same minute.
  app.get(
    '/api/invitations/:token',
    {
      schema: {
        tags,
        summary: 'What an invitation link is for',
        description:
          'The address (fixed), the name offered and the expiry, nothing else. Unknown, expired, revoked or used → 404 `invitation_invalid`.',
        params: invitationTokenParams,
        response: { 200: publicInvitation },
      },
    },
    async (request) => invitations.lookup(checkedToken(request.params.token)),
  );

  app.post(
    '/api/invitations/:token/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation: make the account and sign in',
        description:
          'Works whatever WEBOX_SIGNUP says. The account gets the invitation’s address, role and group; the session cookie is set. Once only: a used link → 404 `invitation_invalid`.',
        params: invitationTokenParams,
        body: acceptInvitationBody,
        response: { 200: acceptedInvitation },
      },
    },
    async (request, reply) => {
      const headers = fromNodeHeaders(request.headers);
      headers.set(CLIENT_IP_HEADER, request.ip);
      const { response, user } = await invitations.accept(
        checkedToken(request.params.token),
        request.body,
        headers,
        auditActor(request, null),
      );
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) reply.header('set-cookie', cookies);
      return { user: { ...user, role: user.role === 'admin' ? ('admin' as const) : ('user' as const) } };
    },
  );

  await app.register(
    adminScope(async (app) => {
      app.post(
        '/api/admin/invitations',
        {
          schema: {
            tags,
            summary: 'Invite one address or several',
            description:
              'Each gets a link that works once until it expires (default 7 days). With e-mail configured the links are e-mailed (`sendEmail` default true) and not returned; otherwise, or when a message fails, `url` holds the link, given this once. An address with an account → 400 `invalid_request` (`emails` lists them); `sendEmail: true` without SMTP → 400 `email_not_configured`; an unknown group → 404.',
            body: createInvitationsBody,
            response: { 201: createdInvitations },
          },
        },
        async (request, reply) => {
          const actor = currentUser(request);
          const { email, emails, locale, ...settings } = request.body;
          const made = await invitations.create(actor, emails ?? (email ? [email] : []), {
            ...settings,
            locale: locale ?? localeFromAcceptLanguage(request.headers['accept-language']),
          });
          return reply.status(201).send({ invitations: made });
        },
      );

      app.post(
        '/api/admin/invitations/import',
        {
          schema: {
            tags,
            summary: 'Import a class list (CSV) as invitations',
            description:
              'Columns: an e-mail (`email`, `e-mail`, `courriel`…), optionally a name (`name`, `nom`, or `prénom` and `nom`) and a group (`group`, `groupe`, `classe`: a group’s name). `;` or `,`; UTF-8 with or without BOM. Every line is checked first: any error → 400 `invalid_class_list` with `errors: [{line, field, reason}]`, and nothing is imported. Otherwise every row becomes an invitation, in one transaction.',
            body: classListImportBody,
            response: { 201: createdInvitations },
          },
        },
        async (request, reply) => {
          const { csv, locale, ...settings } = request.body;
          const made = await invitations.importClassList(currentUser(request), csv, {
            ...settings,
            locale: locale ?? localeFromAcceptLanguage(request.headers['accept-language']),
          });
          return reply.status(201).send({ invitations: made });
        },
      );

      app.get(
        '/api/admin/invitations',
        {
          schema: {
            tags,
            summary: 'Every invitation, newest first',
            description: 'With its status (`pending`, `accepted`, `expired`, `revoked`); never its link.',
            response: { 200: invitationList },
          },
        },
        async () => ({ invitations: await invitations.list() }),
      );

      app.delete(
        '/api/admin/invitations/:id',
        {
          schema: {
            tags,
            summary: 'Revoke an invitation',
            description: 'Its link stops at once. An accepted or already revoked one: 204, no change; unknown → 404.',
            params: z.object({ id: z.uuid() }),
            response: { 204: noContent },
          },
        },
        async (request, reply) => {
          await invitations.revoke(request.params.id);
          return reply.status(204).send();
        },
      );

      app.post(
        '/api/admin/users/:id/password-reset',
        {
          schema: {
            tags,
            summary: "Reset a user's password",
            description:
              'With `password`: set at once. Without: a reset link (1 hour, once), e-mailed when e-mail is configured (`sendEmail` default true), else returned in `url`. Either way the user is signed out everywhere.',
            params: idParams,
            body: adminPasswordResetBody,
            response: { 200: adminPasswordReset },
          },
        },
        async (request) =>
          passwordReset.byAdmin(signedInActor(request), request.params.id, {
            ...request.body,
            locale: request.body.locale ?? localeFromAcceptLanguage(request.headers['accept-language']),
          }),
      );

      app.get(
        '/api/admin/account-settings',
        {
          schema: {
            tags,
            summary: 'Sign-up settings',
            response: { 200: accountSettingsView },
          },
        },
        async () => ({
          signupsPerAddressPerMinute: await accountSettings.signupsPerAddressPerMinute(),
          signup: await accountSettings.signup(),
          emailEnabled: app.emailEnabled,
        }),
      );

      app.put(
        '/api/admin/account-settings',
        {
          schema: {
            tags,
            summary: 'Change the sign-up settings',
            description:
              '`signup`: `closed` stops sign-ups from the sign-up page and single sign-on (admins still create accounts, invitations still work); `open` allows them again. It replaces `WEBOX_SIGNUP` from then on. `signupsPerAddressPerMinute`: sign-ups (POST /api/auth/sign-up/email) allowed per client address per minute; null: back to 10. Invitations are never counted; failed sign-ins stay throttled per account and per address whatever it says. A field left out keeps its value.',
            body: accountSettingsBody,
            response: { 200: accountSettingsView },
          },
        },
        async (request) => {
          const { signupsPerAddressPerMinute, signup } = request.body;
          await accountSettings.update(
            {
              ...(signupsPerAddressPerMinute === undefined ? {} : { signupsPerAddressPerMinute }),
              ...(signup === undefined ? {} : { signup }),
            },
            currentUser(request).id,
          );
          if (signup !== undefined) request.log.info({ signup }, 'sign-up setting changed');
          return {
            signupsPerAddressPerMinute: await accountSettings.signupsPerAddressPerMinute(),
            signup: await accountSettings.signup(),
            emailEnabled: app.emailEnabled,
          };
        },
      );
    }),
  );
};
