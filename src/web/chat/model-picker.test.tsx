// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Coverage } from '../billing/plan-coverage.ts';
import type { Catalog } from '../components/use-catalog.ts';
import { renderWithApp } from '../test-utils.tsx';
import { defaultChoice, ModelPicker } from './model-picker.tsx';

const catalog: Catalog = {
  providers: [
    { id: 'openai', name: 'OpenAI', keyHint: 'sk-', models: [{ id: 'gpt-4o-mini', name: 'GPT-4o mini' }] },
    { id: 'mistral', name: 'Mistral', keyHint: '32', models: [{ id: 'mistral-small-latest', name: 'Mistral Small' }] },
    { id: 'groq', name: 'Groq', keyHint: 'gsk_', models: [{ id: 'llama', name: 'Llama' }] },
  ],
  keys: [
    { provider: 'openai', source: 'global', personal: null, global: { configured: true } },
    { provider: 'mistral', source: 'none', personal: null, global: { configured: false } },
    {
      provider: 'groq',
      source: 'personal',
      personal: { mask: 'gsk_a...zz', updatedAt: '2026-01-01T00:00:00Z' },
      global: { configured: true },
    },
  ],
};

afterEach(cleanup);

describe('ModelPicker', () => {
  it('groups models by provider, each group saying which key it would run on', () => {
    renderWithApp(
      <ModelPicker catalog={catalog} value={{ provider: 'openai', model: 'gpt-4o-mini' }} onChange={() => {}} />,
    );
    const select = screen.getByLabelText('Model');
    const groups = within(select).getAllByRole('group');
    expect(groups.map((group) => group.getAttribute('label'))).toEqual([
      'OpenAI — Global key',
      'Mistral — Unavailable',
      'Groq — Personal key',
    ]);
    expect(screen.getByTestId('key-source-badge')).toHaveProperty('textContent', 'Global key');
  });

  it('explains an unavailable model and links to the profile, in French', () => {
    renderWithApp(
      <ModelPicker
        catalog={catalog}
        value={{ provider: 'mistral', model: 'mistral-small-latest' }}
        onChange={() => {}}
      />,
      { language: 'fr' },
    );
    expect(screen.getByText(/Aucune clé API pour Mistral/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Ajouter une clé dans votre profil' }).getAttribute('href')).toBe(
      '/profile',
    );
    expect(screen.getByTestId('key-source-badge').textContent).toBe('Indisponible');
  });

  it('reports the chosen provider and model', async () => {
    const onChange = vi.fn();
    renderWithApp(
      <ModelPicker catalog={catalog} value={{ provider: 'openai', model: 'gpt-4o-mini' }} onChange={onChange} />,
    );
    await userEvent.selectOptions(screen.getByLabelText('Model'), 'groq::llama');
    expect(onChange).toHaveBeenCalledWith({ provider: 'groq', model: 'llama' });
  });

  it('starts new conversations on a model that runs, personal keys first', () => {
    expect(defaultChoice(catalog)).toEqual({ provider: 'groq', model: 'llama' });
  });

  it('marks the global key’s models the plan covers, and explains one it does not, in French', () => {
    const wide: Catalog = {
      ...catalog,
      providers: catalog.providers.map((provider) =>
        provider.id === 'openai'
          ? { ...provider, models: [...provider.models, { id: 'gpt-4o', name: 'GPT-4o' }] }
          : provider,
      ),
    };
    const coverage = (id: string): Coverage => (id === 'openai/gpt-4o-mini' ? 'covered' : 'not_covered');
    renderWithApp(
      <ModelPicker
        catalog={wide}
        value={{ provider: 'openai', model: 'gpt-4o' }}
        onChange={() => {}}
        coverage={coverage}
      />,
      { language: 'fr' },
    );
    const options = within(screen.getByLabelText('Modèle')).getAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual([
      'GPT-4o mini · clé globale · inclus dans votre formule',
      'GPT-4o · clé globale · hors de votre formule',
      'Mistral Small · indisponible',
      // A personal key is never the plan's business.
      'Llama · clé personnelle',
    ]);
    expect(screen.getByText(/Votre formule ne comprend pas ce modèle/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Voir les formules' }).getAttribute('href')).toBe('/profile#billing');
  });
});
