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
    {
      id: 'openai',
      name: 'OpenAI',
      keyHint: 'sk-',
      models: [
        {
          id: 'gpt-4o-mini',
          name: 'GPT-4o mini',
          tier: 'economy',
          description: { en: 'Small and cheap.', fr: 'Petit et économique.' },
        },
        {
          id: 'gpt-4.1',
          name: 'GPT-4.1',
          tier: 'premium',
          description: { en: 'Reliable for long documents.', fr: 'Fiable sur les longs documents.' },
        },
      ],
    },
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

const optionNames = () =>
  within(screen.getByRole('listbox'))
    .queryAllByRole('option')
    .map((option) => option.querySelector('.model-option-name')?.textContent);

describe('ModelPicker', () => {
  it('shows the chosen model and, once opened, the models grouped by provider, each group saying which key it runs on', async () => {
    renderWithApp(
      <ModelPicker catalog={catalog} value={{ provider: 'openai', model: 'gpt-4o-mini' }} onChange={() => {}} />,
    );
    const input = screen.getByRole('combobox', { name: 'Model' });
    expect(input).toHaveProperty('value', 'GPT-4o mini · OpenAI');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    await userEvent.click(input);
    expect(input.getAttribute('aria-expanded')).toBe('true');
    const listbox = screen.getByRole('listbox', { name: 'Model' });
    expect(input.getAttribute('aria-controls')).toBe(listbox.id);
    for (const name of ['OpenAI — Global key', 'Mistral — Unavailable', 'Groq — Personal key']) {
      expect(within(listbox).getByRole('group', { name })).toBeTruthy();
    }
    const chosen = within(listbox).getByRole('option', { selected: true });
    expect(chosen.textContent).toContain('GPT-4o mini');
    // The tier: a mark for the eye and its word for everyone.
    expect(chosen.textContent).toContain('€');
    expect(chosen.textContent).toContain('economy');
    expect(chosen.textContent).toContain('Small and cheap.');
    expect(screen.getByTestId('key-source-badge')).toHaveProperty('textContent', 'Global key');
  });

  it('filters as you type, on name, provider and description, accents aside, in French', async () => {
    const onChange = vi.fn();
    renderWithApp(
      <ModelPicker catalog={catalog} value={{ provider: 'openai', model: 'gpt-4o-mini' }} onChange={onChange} />,
      { language: 'fr' },
    );
    const input = screen.getByRole('combobox', { name: 'Modèle' });
    await userEvent.type(input, 'mistral');
    expect(optionNames()).toEqual(['Mistral Small']);
    await userEvent.clear(input);
    await userEvent.type(input, 'fiable documents');
    expect(optionNames()).toEqual(['GPT-4.1 €€€premium']);
    await userEvent.clear(input);
    await userEvent.type(input, 'economique');
    expect(optionNames()).toEqual(['GPT-4o mini €économique']);
    await userEvent.clear(input);
    await userEvent.type(input, 'zzz');
    expect(optionNames()).toEqual([]);
    expect(screen.getByText('Aucun modèle ne correspond.')).toBeTruthy();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('is used from the keyboard: arrows move the active option, Enter chooses, Escape closes', async () => {
    const onChange = vi.fn();
    renderWithApp(
      <ModelPicker catalog={catalog} value={{ provider: 'openai', model: 'gpt-4o-mini' }} onChange={onChange} />,
    );
    const input = screen.getByRole('combobox', { name: 'Model' });
    await userEvent.tab();
    expect(document.activeElement).toBe(input);
    await userEvent.keyboard('{ArrowDown}');
    expect(input.getAttribute('aria-expanded')).toBe('true');
    const activeText = () => document.getElementById(input.getAttribute('aria-activedescendant') ?? '')?.textContent;
    // Opens on the chosen model.
    expect(activeText()).toContain('GPT-4o mini');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    expect(activeText()).toContain('Mistral Small');
    await userEvent.keyboard('{ArrowUp}');
    expect(activeText()).toContain('GPT-4.1');
    await userEvent.keyboard('{Escape}');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(onChange).not.toHaveBeenCalled();
    await userEvent.keyboard('{ArrowDown}{End}{Enter}');
    expect(onChange).toHaveBeenCalledWith({ provider: 'groq', model: 'llama' });
    expect(input.getAttribute('aria-expanded')).toBe('false');
    // Typing then Enter chooses the first match.
    await userEvent.type(input, 'mistral{Enter}');
    expect(onChange).toHaveBeenLastCalledWith({ provider: 'mistral', model: 'mistral-small-latest' });
  });

  it('reports the model clicked', async () => {
    const onChange = vi.fn();
    renderWithApp(
      <ModelPicker catalog={catalog} value={{ provider: 'openai', model: 'gpt-4o-mini' }} onChange={onChange} />,
    );
    await userEvent.click(screen.getByRole('combobox', { name: 'Model' }));
    await userEvent.click(screen.getByRole('option', { name: /Llama/ }));
    expect(onChange).toHaveBeenCalledWith({ provider: 'groq', model: 'llama' });
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

  it("starts new conversations on the server's default when listed, else on a model that runs, personal keys first", () => {
    expect(defaultChoice(catalog)).toEqual({ provider: 'groq', model: 'llama' });
    expect(defaultChoice({ ...catalog, defaultModel: 'openai/gpt-4.1' })).toEqual({
      provider: 'openai',
      model: 'gpt-4.1',
    });
    expect(defaultChoice({ ...catalog, defaultModel: 'openai/gone' })).toEqual({ provider: 'groq', model: 'llama' });
  });

  it('marks the global key’s models the plan covers, and explains one it does not, in French', async () => {
    const coverage = (id: string): Coverage => (id === 'openai/gpt-4o-mini' ? 'covered' : 'not_covered');
    renderWithApp(
      <ModelPicker
        catalog={catalog}
        value={{ provider: 'openai', model: 'gpt-4.1' }}
        onChange={() => {}}
        coverage={coverage}
      />,
      { language: 'fr' },
    );
    await userEvent.click(screen.getByRole('combobox', { name: 'Modèle' }));
    const details = within(screen.getByRole('listbox'))
      .getAllByRole('option')
      .map((option) => option.querySelector('.model-option-detail')?.textContent);
    expect(details).toEqual([
      'clé globale · inclus dans votre formule · économique',
      'clé globale · hors de votre formule · premium',
      'indisponible',
      // A personal key is never the plan's business.
      'clé personnelle',
    ]);
    expect(screen.getByText(/Votre formule ne comprend pas ce modèle/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Voir les formules' }).getAttribute('href')).toBe('/profile#billing');
  });
});
