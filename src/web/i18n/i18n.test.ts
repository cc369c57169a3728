// The two language files hold the same keys, and every {{placeholder}} of one is in the other.
import { describe, expect, it } from 'vitest';
import en from './en.json' with { type: 'json' };
import fr from './fr.json' with { type: 'json' };

function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.assign(
    {},
    ...Object.entries(value as Record<string, unknown>).map(([key, inner]) =>
      flatten(inner, prefix ? `${prefix}.${key}` : key),
    ),
  );
}

// With their format, if any: {{amount, money}} must be formatted the same way in both files.
const placeholders = (text: string) =>
  [...text.matchAll(/\{\{([^}]+)\}\}/g)].map((match) => match[1]?.replace(/\s+/g, '')).sort();

describe('i18n files', () => {
  const english = flatten(en);
  const french = flatten(fr);

  it('have the same keys', () => {
    expect(Object.keys(french).sort()).toEqual(Object.keys(english).sort());
  });

  it('use the same placeholders and leave no string empty', () => {
    for (const [key, text] of Object.entries(english)) {
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(french[key] ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('carry the seed’s admin section and button, word for word', () => {
    expect(fr.profile.globalAdmin.title).toBe('👑 Clés API globales (Admin)');
    expect(fr.profile.globalAdmin.saveAll).toBe('👑 Sauvegarder les clés globales');
    expect(en.profile.globalAdmin.title).toBe('👑 Global API keys (Admin)');
    expect(en.profile.globalAdmin.saveAll).toBe('👑 Save global keys');
    expect(fr.profile.title).toBe('Mon profil');
    expect(fr.profile.globalUser.configured).toBe('Configurée');
    expect(fr.profile.globalUser.notConfigured).toBe('Non configurée');
  });
});
