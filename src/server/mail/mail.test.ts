import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage } from './mail-locale.ts';
import { invitationMail, passwordResetMail } from './mail-templates.ts';

describe('localeFromAcceptLanguage', () => {
  it('takes the preferred of fr and en, French by default', () => {
    expect(localeFromAcceptLanguage(undefined)).toBe('fr');
    expect(localeFromAcceptLanguage('de-DE,de;q=0.9')).toBe('fr');
    expect(localeFromAcceptLanguage('en-GB,en;q=0.9,fr;q=0.8')).toBe('en');
    expect(localeFromAcceptLanguage('de,fr;q=0.5,en;q=0.7')).toBe('en');
    expect(localeFromAcceptLanguage('en;q=0,fr-CA')).toBe('fr');
  });
});

describe('templates', () => {
  it('escape what they interpolate into the HTML, and say the same in the text', () => {
    const mail = invitationMail('fr', {
      url: 'https://webox.example/invitation#abc',
      expiresAt: new Date('2026-12-08T10:00:00Z'),
      inviterName: '<script>alert(1)</script>',
      timeZone: 'Europe/Paris',
    });
    expect(mail.subject).toBe('Votre invitation à rejoindre WeBox');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain('https://webox.example/invitation#abc');
    expect(mail.text).toContain('8 décembre 2026');
    expect(passwordResetMail('en', { url: 'https://x/reset-password#t', validMinutes: 60 }).text).toContain(
      '60 minutes',
    );
  });
});
