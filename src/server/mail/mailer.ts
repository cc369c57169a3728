// Sends WeBox's e-mails (invitations, password resets) over SMTP with nodemailer, loaded on the
// first message (start-up does not pay for it: issue 13). Without WEBOX_SMTP_URL there is no
// mailer: callers hand the links to the admin instead. The SMTP URL holds a password: it is given
// to nodemailer and nowhere else (no log line, no error message carries it).
import type { Config } from '../config.ts';
import { onFirstUse } from '../on-first-use.ts';
import type { MailContent } from './mail-templates.ts';

export interface Mailer {
  /** Sends one message; a failure throws (the caller decides whether it is fatal). */
  send(to: string, content: MailContent): Promise<void>;
}

interface MailLogger {
  info(object: object, message: string): void;
}

export function createMailer(mail: Config['mail'], log: MailLogger): Mailer | null {
  if (!mail) return null;
  const transport = onFirstUse(async () => {
    const nodemailer = await import('nodemailer');
    // Bounded waits: a mail server that does not answer must not hold an admin's request for minutes.
    const url = new URL(mail.smtpUrl);
    const secure = url.protocol === 'smtps:';
    return nodemailer.createTransport({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  });
  return {
    async send(to, content) {
      const sent = await (await transport()).sendMail({
        from: mail.from,
        to,
        subject: content.subject,
        text: content.text,
        html: content.html,
      });
      log.info({ messageId: sent.messageId }, 'e-mail sent');
    },
  };
}
