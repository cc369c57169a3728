// Invitations, class lists, password resets and the sign-up settings (docs/accounts-api.md). The
// mailer lives here too: these are the only e-mails WeBox sends so far.
import fastifyPlugin from 'fastify-plugin';
import { createMailer } from '../mail/mailer.ts';
import { type AccountSettings, createAccountSettings } from './account-settings.ts';
import { createInvitationService, type InvitationService } from './invitation-service.ts';
import { createPasswordReset, type PasswordReset } from './password-reset.ts';

declare module 'fastify' {
  interface FastifyInstance {
    invitations: InvitationService;
    passwordReset: PasswordReset;
    accountSettings: AccountSettings;
    /** Whether WeBox can send e-mail (WEBOX_SMTP_URL). */
    emailEnabled: boolean;
  }
}

export const invitationsPlugin = fastifyPlugin(
  async (app) => {
    const log = app.log.child({ module: 'accounts-mail' });
    const mailer = createMailer(app.config.mail, log);
    const settings = createAccountSettings(app.database.db, { defaultSignup: app.config.signup });
    const passwordReset = createPasswordReset({
      auth: app.auth,
      config: app.config,
      users: app.users,
      mailer,
      log,
      accountsLock: app.accountsLock,
      audit: app.audit,
    });
    app.decorate('accountSettings', settings);
    app.decorate('passwordReset', passwordReset);
    app.decorate('emailEnabled', mailer !== null);
    app.decorate(
      'invitations',
      createInvitationService({
        db: app.database.db,
        auth: app.auth,
        config: app.config,
        users: app.users,
        groups: app.groups,
        mailer,
        log,
        timeZone: app.display.timeZone,
      }),
    );
    app.authHooks.signupsPerAddressPerMinute = settings.signupsPerAddressPerMinute;
    app.authHooks.signupOpen = settings.signupOpen;
    app.authHooks.sendResetPassword = passwordReset.sendSelfService;
  },
  {
    name: 'webox-invitations',
    dependencies: ['webox-database', 'webox-audit', 'webox-auth', 'webox-users', 'webox-groups', 'webox-display'],
  },
);
