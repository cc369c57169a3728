// @vitest-environment jsdom
// The admin's section: one button saves every filled field at once, and only those.
import { cleanup, screen, waitFor } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderInfo } from '../api/types.ts';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { GlobalKeysAdmin } from './global-keys-admin.tsx';

const providers: ProviderInfo[] = [
  { id: 'openai', name: 'OpenAI', keyHint: 'starts with sk-', models: [] },
  { id: 'anthropic', name: 'Anthropic', keyHint: 'starts with sk-ant-', models: [] },
  { id: 'groq', name: 'Groq', keyHint: 'starts with gsk_', models: [] },
];

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function serverWithGlobalKeys() {
  const saved: Record<string, string> = {};
  return mockFetch({
    'GET /api/admin/keys': () => ({
      body: {
        providers: providers.map((provider) => ({
          provider: provider.id,
          configured: provider.id in saved,
          mask: saved[provider.id] ?? null,
          updatedAt: provider.id in saved ? '2026-03-01T10:00:00Z' : null,
        })),
      },
    }),
    'PUT /api/admin/keys/openai': (call) => {
      saved.openai = `${String((call.body as { apiKey: string }).apiKey).slice(0, 5)}...xx`;
      return { body: { provider: 'openai', mask: saved.openai, updatedAt: '2026-03-01T10:00:00Z' } };
    },
    'PUT /api/admin/keys/groq': () => ({
      status: 400,
      body: { error: { code: 'invalid_key_format', message: '…', provider: 'groq', expected: 'starts with "gsk_"' } },
    }),
  });
}

describe('GlobalKeysAdmin', () => {
  it('saves every filled field with the one button, reports each result, and shows the masks', async () => {
    const { calls } = serverWithGlobalKeys();
    const onChanged = vi.fn();
    renderWithApp(<GlobalKeysAdmin providers={providers} onChanged={onChanged} />, { language: 'fr' });
    expect(screen.getByRole('heading', { name: '👑 Clés API globales (Admin)' })).toBeTruthy();
    await waitFor(() => expect(screen.getAllByText('Non configurée')).toHaveLength(3));

    await userEvent.type(screen.getByLabelText('Clé OpenAI globale'), 'sk-proj-abcdefghijklmnopqrstuvwxyz');
    await userEvent.type(screen.getByLabelText('Clé Groq globale'), 'not-a-groq-key-at-all');
    await userEvent.click(screen.getByRole('button', { name: '👑 Sauvegarder les clés globales' }));

    await screen.findByText('Clés globales enregistrées : OpenAI.');
    const puts = calls.filter((call) => call.method === 'PUT');
    expect(puts.map((call) => call.url).sort()).toEqual(['/api/admin/keys/groq', '/api/admin/keys/openai']);
    expect(puts.find((call) => call.url.endsWith('openai'))?.body).toEqual({
      apiKey: 'sk-proj-abcdefghijklmnopqrstuvwxyz',
    });
    // The empty Anthropic field was not sent.
    expect(calls.some((call) => call.url.endsWith('anthropic'))).toBe(false);
    expect(screen.getByText(/Groq — Ceci ne ressemble pas à une clé Groq/)).toBeTruthy();
    // The saved key's field is emptied, the refused one keeps its text to be corrected.
    expect((screen.getByLabelText('Clé OpenAI globale') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Clé Groq globale') as HTMLInputElement).value).toBe('not-a-groq-key-at-all');
    // The refused field is marked, and read with the message that lists the failures.
    const groq = screen.getByLabelText('Clé Groq globale');
    expect(groq.getAttribute('aria-invalid')).toBe('true');
    const [failuresId] = groq.getAttribute('aria-describedby')?.split(' ') ?? [];
    expect(document.getElementById(failuresId ?? '')?.textContent).toContain('Groq —');
    expect(screen.getByLabelText('Clé OpenAI globale').getAttribute('aria-invalid')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('global-mask').textContent).toBe('sk-pr...xx'));
    expect(onChanged).toHaveBeenCalled();
  });

  it('asks for at least one key instead of sending nothing', async () => {
    const { calls } = serverWithGlobalKeys();
    renderWithApp(<GlobalKeysAdmin providers={providers} onChanged={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: '👑 Save global keys' }));
    expect(screen.getByRole('alert').textContent).toBe('Fill in at least one key.');
    expect(calls.filter((call) => call.method === 'PUT')).toHaveLength(0);
  });
});
