// The e-mails WeBox sends, in French and English: a subject, a plain-text body and a simple HTML
// body saying the same. Everything interpolated into the HTML is escaped (a name is user input).
import type { MailLocale } from './mail-locale.ts';

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

function formatDate(locale: MailLocale, instant: Date, timeZone: string) {
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone,
  }).format(instant);
}

function html(paragraphs: string[], link: { url: string; label: string }) {
  const body = paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n');
  const url = escapeHtml(link.url);
  return `<!doctype html>
<html><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a;">
${body}
<p><a href="${url}" style="display: inline-block; padding: 0.6em 1.2em; background: #1d4ed8; color: #ffffff; border-radius: 6px; text-decoration: none;">${escapeHtml(link.label)}</a></p>
<p style="font-size: 0.9em; color: #444444;">${escapeHtml(link.url)}</p>
</body></html>`;
}

export function invitationMail(
  locale: MailLocale,
  input: { url: string; expiresAt: Date; inviterName: string; timeZone: string },
): MailContent {
  const until = formatDate(locale, input.expiresAt, input.timeZone);
  if (locale === 'fr') {
    const paragraphs = [
      'Bonjour,',
      `${input.inviterName} vous invite à rejoindre WeBox. Choisissez votre nom et votre mot de passe en suivant ce lien :`,
    ];
    const after = [
      `Le lien est valable jusqu’au ${until} et ne sert qu’une fois.`,
      'Si vous ne vous attendiez pas à cette invitation, ignorez ce message.',
    ];
    return {
      subject: 'Votre invitation à rejoindre WeBox',
      text: [...paragraphs, input.url, ...after].join('\n\n'),
      html: html([...paragraphs, ...after], { url: input.url, label: 'Créer mon compte' }),
    };
  }
  const paragraphs = [
    'Hello,',
    `${input.inviterName} invites you to join WeBox. Choose your name and password by following this link:`,
  ];
  const after = [`The link works until ${until}, once.`, 'If you did not expect this invitation, ignore this message.'];
  return {
    subject: 'Your invitation to join WeBox',
    text: [...paragraphs, input.url, ...after].join('\n\n'),
    html: html([...paragraphs, ...after], { url: input.url, label: 'Create my account' }),
  };
}

export function passwordResetMail(locale: MailLocale, input: { url: string; validMinutes: number }): MailContent {
  if (locale === 'fr') {
    const paragraphs = [
      'Bonjour,',
      'Quelqu’un (sans doute vous) a demandé à réinitialiser le mot de passe de votre compte WeBox. Pour en choisir un nouveau, suivez ce lien :',
    ];
    const after = [
      `Le lien est valable ${input.validMinutes} minutes et ne sert qu’une fois.`,
      'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe ne change pas.',
    ];
    return {
      subject: 'Réinitialisation de votre mot de passe WeBox',
      text: [...paragraphs, input.url, ...after].join('\n\n'),
      html: html([...paragraphs, ...after], { url: input.url, label: 'Choisir un nouveau mot de passe' }),
    };
  }
  const paragraphs = [
    'Hello,',
    'Someone (probably you) asked to reset the password of your WeBox account. To choose a new one, follow this link:',
  ];
  const after = [
    `The link works for ${input.validMinutes} minutes, once.`,
    'If you did not ask for this, ignore this message: your password does not change.',
  ];
  return {
    subject: 'Reset your WeBox password',
    text: [...paragraphs, input.url, ...after].join('\n\n'),
    html: html([...paragraphs, ...after], { url: input.url, label: 'Choose a new password' }),
  };
}
