// An alert's words — its title and one sentence — in French or English, from its kind and its
// scalar details. The one place they are written: the web app's list, the e-mails and the webhooks
// all call it, so the three never say different things. Details come from the alert row (never a
// key: at most the provider's id); money arrives in micro-dollars and is formatted by the caller in
// the display currency (the web's formatMoney, the server's alert-money.ts).
import type { AlertDetails, AlertKind } from './alerts.ts';

export type AlertLocale = 'fr' | 'en';

export interface AlertWordsInput {
  kind: AlertKind;
  provider?: string | null;
  details: AlertDetails;
}

export interface AlertWords {
  title: string;
  text: string;
}

const PROVIDER_NAMES: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
  mistral: 'Mistral',
  groq: 'Groq',
};

/** At most this much of any text detail (a detail is a scalar, but still not ours to trust). */
const MAX_DETAIL = 120;

function textOf(value: AlertDetails[string] | undefined): string | null {
  if (typeof value !== 'string') return typeof value === 'number' ? String(value) : null;
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return clean === '' ? null : clean.slice(0, MAX_DETAIL);
}

function numberOf(value: AlertDetails[string] | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function alertWords(
  alert: AlertWordsInput,
  locale: AlertLocale,
  money: (microusd: number) => string,
): AlertWords {
  const fr = locale === 'fr';
  const d = alert.details;
  const provider = alert.provider ? (PROVIDER_NAMES[alert.provider] ?? textOf(alert.provider)) : null;
  const providerFr = provider ?? 'le fournisseur';
  const providerEn = provider ?? 'the provider';
  const period = d.period === 'day' ? 'day' : 'month';
  const periodFr = period === 'day' ? 'du jour' : 'du mois';
  const periodEn = period === 'day' ? 'daily' : 'monthly';
  const threshold = numberOf(d.threshold);
  const percent = threshold === null ? '?' : `${threshold}`;
  const amount = (value: AlertDetails[string] | undefined) => {
    const microusd = numberOf(value);
    return microusd === null ? '?' : money(microusd);
  };
  const status = numberOf(d.status);
  const who = textOf(d.userEmail);

  switch (alert.kind) {
    case 'operator_budget.threshold':
      return fr
        ? {
            title: `Budget ${periodFr} des clés globales : ${percent} % atteints`,
            text: `Les clés globales ont dépensé ${amount(d.spentMicrousd)} sur un budget ${periodFr} de ${amount(d.limitMicrousd)} (${percent} %).`,
          }
        : {
            title: `Global keys ${periodEn} budget: ${percent}% reached`,
            text: `The global keys have spent ${amount(d.spentMicrousd)} of a ${periodEn} budget of ${amount(d.limitMicrousd)} (${percent}%).`,
          };
    case 'user_budget.threshold':
      return fr
        ? {
            title: `Budget ${periodFr} : ${percent} % atteints`,
            text: who
              ? `${who} a utilisé ${percent} % de son budget ${periodFr}.`
              : `Vous avez utilisé ${percent} % de votre budget ${periodFr}.`,
          }
        : {
            title: `${period === 'day' ? 'Daily' : 'Monthly'} budget: ${percent}% reached`,
            text: who
              ? `${who} has used ${percent}% of their ${periodEn} budget.`
              : `You have used ${percent}% of your ${periodEn} budget.`,
          };
    case 'global_key.rejected':
      return fr
        ? {
            title: `Clé globale ${providerFr} refusée`,
            text: `${providerFr} refuse la clé globale${status === null ? '' : ` (HTTP ${status})`} : elle a peut-être été révoquée ou le crédit du compte est épuisé. Enregistrez une clé valide.`,
          }
        : {
            title: `${providerEn} global key rejected`,
            text: `${providerEn} refuses the global key${status === null ? '' : ` (HTTP ${status})`}: it may have been revoked, or the account's credit is gone. Save a working key.`,
          };
    case 'global_key.rate_limited': {
      const count = numberOf(d.count);
      return fr
        ? {
            title: `Clé globale ${providerFr} limitée`,
            text: `${providerFr} limite le débit de la clé globale${count === null ? '' : ` (${count} réponses 429)`}.`,
          }
        : {
            title: `${providerEn} global key rate limited`,
            text: `${providerEn} keeps rate limiting the global key${count === null ? '' : ` (${count} answers 429)`}.`,
          };
    }
    case 'personal_key.rejected':
      return fr
        ? {
            title: `Votre clé ${providerFr} est refusée`,
            text: `${providerFr} refuse votre clé personnelle${status === null ? '' : ` (HTTP ${status})`}. Enregistrez-en une nouvelle dans votre profil.`,
          }
        : {
            title: `Your ${providerEn} key is rejected`,
            text: `${providerEn} refuses your personal key${status === null ? '' : ` (HTTP ${status})`}. Save a new one on your profile.`,
          };
    case 'subscription.payment_failed': {
      const paid = numberOf(d.amountMicrousd) === null ? null : amount(d.amountMicrousd);
      return fr
        ? {
            title: 'Paiement d’abonnement échoué',
            text: `Le paiement${paid ? ` de ${paid}` : ''} de l’abonnement${who ? ` de ${who}` : ''} a échoué.`,
          }
        : {
            title: 'Subscription payment failed',
            text: `The${paid ? ` ${paid}` : ''} subscription payment${who ? ` of ${who}` : ''} failed.`,
          };
    }
    case 'spend.jump': {
      const multiple = numberOf(d.multiple);
      const times = multiple === null ? '?' : String(Math.round(multiple * 10) / 10);
      return fr
        ? {
            title: 'Dépense inhabituelle',
            text: `${who ? `${who} a dépensé` : 'Une heure de dépense atteint'} ${amount(d.hourMicrousd)} en une heure, ${times} fois l’heure habituelle (${amount(d.usualHourMicrousd)}).`,
          }
        : {
            title: 'Unusual spend',
            text: `${who ? `${who} spent` : 'One hour of spend reached'} ${amount(d.hourMicrousd)} in an hour, ${times} times the usual hour (${amount(d.usualHourMicrousd)}).`,
          };
    }
    case 'test':
      return fr
        ? {
            title: 'Alerte de test',
            text: 'Ceci est une alerte de test envoyée depuis les réglages des alertes de WeBox.',
          }
        : { title: 'Test alert', text: 'This is a test alert sent from the WeBox alert settings.' };
  }
}
