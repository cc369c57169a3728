// An alert as an e-mail: its words (shared/alert-words.ts) in the recipient's language, and a link
// to the alerts page. Everything interpolated into the HTML is escaped.
import { type AlertLocale, alertWords } from '../../shared/alert-words.ts';
import type { MailContent } from '../mail/mail-templates.ts';
import type { AlertRow } from './alert-store.ts';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

export function alertMail(
  alert: AlertRow,
  locale: AlertLocale,
  input: { publicUrl: string; money: (microusd: number) => string },
): MailContent {
  const words = alertWords(alert, locale, input.money);
  const url = `${input.publicUrl}/alerts`;
  const footer =
    locale === 'fr'
      ? 'Vous recevez ce message parce que les alertes par e-mail sont activées dans WeBox. Désactivez-les sur la page des alertes.'
      : 'You receive this message because alert e-mails are on in WeBox. Turn them off on the alerts page.';
  const label = locale === 'fr' ? 'Voir les alertes' : 'See the alerts';
  return {
    subject: `[WeBox] ${words.title}`,
    text: [words.text, `${label}: ${url}`, footer].join('\n\n'),
    html: `<!doctype html>
<html><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a;">
<h1 style="font-size: 1.2em;">${escapeHtml(words.title)}</h1>
<p>${escapeHtml(words.text)}</p>
<p><a href="${escapeHtml(url)}">${escapeHtml(label)}</a></p>
<p style="font-size: 0.9em; color: #444444;">${escapeHtml(footer)}</p>
</body></html>`,
  };
}
