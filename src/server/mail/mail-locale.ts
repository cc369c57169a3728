// The language of an e-mail: French or English, WeBox's two. Chosen explicitly (the inviter's
// choice, the page's language) or read from the request's Accept-Language; French by default.
export const MAIL_LOCALES = ['fr', 'en'] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];

/** The first of fr/en in an Accept-Language header, by its q weights; French when neither is there. */
export function localeFromAcceptLanguage(header: string | undefined): MailLocale {
  if (!header) return 'fr';
  const ranked = header
    .slice(0, 500)
    .split(',')
    .map((part, order) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { language: tag.trim().toLowerCase().split('-')[0], weight: q === undefined ? 1 : Number(q), order };
    })
    .filter((entry) => entry.weight > 0 && (entry.language === 'fr' || entry.language === 'en'))
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  return ranked[0]?.language === 'en' ? 'en' : 'fr';
}
