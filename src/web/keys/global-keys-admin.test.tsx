// @vitest-environment jsdom
// The admin's section: one button saves every filled field at once, and only those.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
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
  const unchecked = new Set<string>();
  return mockFetch({
    'GET /api/admin/keys': () => ({
      body: {
        providers: providers.map((provider) => ({
          provider: provider.id,
          configured: provider.id in saved,
          mask: saved[provider.id] ?? null,
          updatedAt: provider.id in saved ? '2026-03-01T10:00:00Z' : null,
          verified: provider.id in saved && !unchecked.has(provider.id),
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
    'PUT /api/admin/keys/anthropic': (call) => {
      const body = call.body as { apiKey: string; verify: boolean };
      if (body.verify) {
        return {
          status: 502,
          body: {
            error: {
              code: 'provider_rejected_key',
              message: 'Anthropic rejected the global API key.',
              provider: 'anthropic',
              source: 'global',
              providerMessage: 'invalid x-api-key',
            },
          },
        };
      }
      saved.anthropic = 'sk-an...zz';
      unchecked.add('anthropic');
      return { body: { provider: 'anthropic', mask: saved.anthropic, updatedAt: '2026-03-01T10:00:00Z' } };
    },
    'GET /api/admin/keys/openai/impact': () => ({ body: { usersAffected: 7 } }),
    'DELETE /api/admin/keys/openai': () => {
      delete saved.openai;
      return { status: 204 };
    },
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
    // Checked with the provider first, by default.
    expect(puts.find((call) => call.url.endsWith('openai'))?.body).toEqual({
      apiKey: 'sk-proj-abcdefghijklmnopqrstuvwxyz',
      verify: true,
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

  it("shows the provider's reason for a refused key, and saves it unchecked when asked, said as such", async () => {
    const { calls } = serverWithGlobalKeys();
    renderWithApp(<GlobalKeysAdmin providers={providers} onChanged={() => {}} />, { language: 'fr' });
    await waitFor(() => expect(screen.getAllByText('Non configurée')).toHaveLength(3));
    await userEvent.type(screen.getByLabelText('Clé Anthropic globale'), 'sk-ant-abcdefghijklmnopqrstuvwxyz');
    await userEvent.click(screen.getByRole('button', { name: '👑 Sauvegarder les clés globales' }));

    const failure = await screen.findByTestId('global-key-failure-anthropic');
    expect(failure.textContent).toContain('« invalid x-api-key »');
    await userEvent.click(within(failure).getByRole('button', { name: 'Enregistrer quand même (non vérifiée)' }));
    await screen.findByText(/Clé Anthropic globale enregistrée sans vérification/);
    const puts = calls.filter((call) => call.method === 'PUT').map((call) => call.body);
    expect(puts).toEqual([
      { apiKey: 'sk-ant-abcdefghijklmnopqrstuvwxyz', verify: true },
      { apiKey: 'sk-ant-abcdefghijklmnopqrstuvwxyz', verify: false },
    ]);
    expect((await screen.findByTestId('global-unverified')).textContent).toBe('non vérifiée');
    expect(screen.queryByTestId('global-key-failure-anthropic')).toBeNull();
  });

  it('names the users a deletion cuts off in a dialog first; Escape cancels, the button deletes', async () => {
    const { calls } = serverWithGlobalKeys();
    renderWithApp(<GlobalKeysAdmin providers={providers} onChanged={() => {}} />);
    await userEvent.type(screen.getByLabelText('Global OpenAI key'), 'sk-proj-abcdefghijklmnopqrstuvwxyz');
    await userEvent.click(screen.getByRole('button', { name: '👑 Save global keys' }));
    const remove = await screen.findByRole('button', { name: 'Delete the global OpenAI key' });

    await userEvent.click(remove);
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete the global OpenAI key?' });
    expect(dialog.textContent).toContain('7 users will lose access to OpenAI');
    // Focus is inside, on the safe choice; Escape closes it, deleting nothing, and focus comes back.
    expect(document.activeElement?.textContent).toBe('Cancel');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(remove);
    expect(calls.some((call) => call.method === 'DELETE')).toBe(false);

    await userEvent.click(remove);
    const again = await screen.findByRole('alertdialog');
    await userEvent.click(within(again).getByRole('button', { name: 'Delete the OpenAI key' }));
    await screen.findByText('Global OpenAI key deleted.');
    expect(calls.filter((call) => call.method === 'DELETE').map((call) => call.url)).toEqual([
      '/api/admin/keys/openai',
    ]);
  });

  it('asks for at least one key instead of sending nothing', async () => {
    const { calls } = serverWithGlobalKeys();
    renderWithApp(<GlobalKeysAdmin providers={providers} onChanged={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: '👑 Save global keys' }));
    expect(screen.getByRole('alert').textContent).toBe('Fill in at least one key.');
    expect(calls.filter((call) => call.method === 'PUT')).toHaveLength(0);
  });
});
