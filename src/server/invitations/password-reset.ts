// Password resets. Self-service ("mot de passe oublié"): better-auth makes the token and calls
// sendResetPassword, which e-mails our link (the token in the fragment, never in a URL a server
// logs). By an admin: either a new password set at once, or a reset link made the same way as
// better-auth's (so its /reset-password endpoint takes it), e-mailed or handed to the admin. Both
// sign the account out everywhere.
import type { AuditActor, AuditTrail } from '../audit/audit-trail.ts';
import type { AccountsLock } from '../auth/accounts-lock.ts';
import type { Auth } from '../auth/auth-instance.ts';
import { RESET_LINK_SECONDS } from '../auth/auth-instance.ts';
import type { Config } from '../config.ts';
import { commonErrors } from '../errors.ts';
import { localeFromAcceptLanguage, type MailLocale } from '../mail/mail-locale.ts';
import { passwordResetMail } from '../mail/mail-templates.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { UserService } from '../users/user-service.ts';
import { invitationErrors } from './invitation-errors.ts';
import { newSecretToken } from './secret-tokens.ts';

interface ResetLogger {
  warn(object: object, message: string): void;
}

export function createPasswordReset(options: {
  auth: Auth;
  config: Config;
  users: UserService;
  mailer: Mailer | null;
  log: ResetLogger;
  /** The admin's reset and its audit row commit together (better-auth's adapter writes in the lock's transaction). */
  accountsLock: AccountsLock;
  audit: AuditTrail;
}) {
  const { auth, config, users, mailer, log, accountsLock, audit } = options;
  const linkOf = (token: string) => `${config.publicUrl}/reset-password#${token}`;
  const mail = (locale: MailLocale, token: string) =>
    passwordResetMail(locale, { url: linkOf(token), validMinutes: Math.round(RESET_LINK_SECONDS / 60) });

  return {
    /** better-auth's sendResetPassword: the user asked for it themselves. */
    async sendSelfService(input: { user: { id: string; email: string }; token: string; request: Request | undefined }) {
      if (!mailer) {
        log.warn({ userId: input.user.id }, 'a password reset was asked for, but e-mail is not configured');
        return;
      }
      const locale = localeFromAcceptLanguage(input.request?.headers.get('accept-language') ?? undefined);
      try {
        await mailer.send(input.user.email, mail(locale, input.token));
      } catch (error) {
        // The answer is the same either way (it never says whether the address has an account).
        log.warn({ err: error, userId: input.user.id }, 'password reset e-mail not sent');
      }
    },

    async byAdmin(
      actor: AuditActor,
      userId: string,
      input: { password?: string; sendEmail?: boolean; locale: MailLocale },
    ) {
      const account = (await users.directory([userId])).get(userId);
      if (!account) throw commonErrors.notFound('The user');
      const context = await auth.$context;
      const recorded = (tx: Parameters<AuditTrail['record']>[0], method: 'password' | 'link') =>
        audit.record(tx, {
          action: 'account.password_reset',
          actor,
          target: { kind: 'user', id: userId },
          subjectUserId: userId,
          details: { email: account.email, method },
        });
      if (input.password !== undefined) {
        const hash = await context.password.hash(input.password);
        await accountsLock.transaction(async ({ tx, internalAdapter }) => {
          const credential = await internalAdapter.findCredentialAccount(userId);
          if (credential) await internalAdapter.updatePassword(userId, hash);
          else
            await internalAdapter.linkAccount({
              userId,
              providerId: 'credential',
              accountId: userId,
              password: hash,
            });
          await internalAdapter.deleteUserSessions(userId);
          await recorded(tx, 'password');
        });
        return { passwordSet: true, url: null, emailed: false, expiresAt: null, sessionsRevoked: true };
      }
      const sendEmail = input.sendEmail ?? mailer !== null;
      if (sendEmail && !mailer) throw invitationErrors.emailNotConfigured();
      const token = newSecretToken();
      const expiresAt = new Date(Date.now() + RESET_LINK_SECONDS * 1000);
      // better-auth's own form of a reset token (stored hashed: verification.storeIdentifier).
      await accountsLock.transaction(async ({ tx, internalAdapter }) => {
        await internalAdapter.createVerificationValue({
          value: userId,
          identifier: `reset-password:${token}`,
          expiresAt,
        });
        await internalAdapter.deleteUserSessions(userId);
        await recorded(tx, 'link');
      });
      let emailed = false;
      if (sendEmail && mailer) {
        try {
          await mailer.send(account.email, mail(input.locale, token));
          emailed = true;
        } catch (error) {
          log.warn({ err: error, userId }, 'password reset e-mail not sent: its link is given to the admin');
        }
      }
      return {
        passwordSet: false,
        url: emailed ? null : linkOf(token),
        emailed,
        expiresAt: expiresAt.toISOString(),
        sessionsRevoked: true,
      };
    },
  };
}

export type PasswordReset = ReturnType<typeof createPasswordReset>;
