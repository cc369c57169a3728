// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderInfo, UserKeyState } from '../api/types.ts';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { PersonalKeys } from './personal-keys.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const providers: ProviderInfo[] = [
  { id: 'openai', name: 'OpenAI', keyHint: 'starts with sk-', models: [] },
  { id: 'mistral', name: 'Mistral', keyHint: 'exactly 32 letters and digits', models: [] },
];
const keys: UserKeyState[] = [
  { provider: 'openai', source: 'global', personal: null, global: { configured: true } },
  {
    provider: 'mistral',
    source: 'personal',
    personal: { mask: 'abcde...yz', updatedAt: '2026-03-01T10:00:00Z' },
    global: { configured: false },
  },
];

describe('PersonalKeys', () => {
  it('shows each provider’s key in use and the mask of a saved key, the format hint read with the field', () => {
    renderWithApp(<PersonalKeys providers={providers} keys={keys} onChanged={() => {}} />);
    const openai = within(screen.getByTestId('personal-key-openai'));
    expect(openai.getByTestId('key-source-badge').getAttribute('data-source')).toBe('global');
    expect(openai.queryByTestId('personal-mask')).toBeNull();
    const field = openai.getByLabelText('OpenAI API key');
    expect(document.getElementById(field.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(
      /^Expected format: /,
    );
    const mistral = within(screen.getByTestId('personal-key-mistral'));
    expect(mistral.getByTestId('personal-mask').textContent).toBe('abcde...yz');
    expect(mistral.getByRole('button', { name: 'Replace' })).toBeTruthy();
  });

  it('asks for a key before sending one, and marks the field', async () => {
    const { calls } = mockFetch({});
    renderWithApp(<PersonalKeys providers={providers} keys={keys} onChanged={() => {}} />);
    const openai = within(screen.getByTestId('personal-key-openai'));
    await userEvent.click(openai.getByRole('button', { name: 'Save' }));
    const alert = openai.getByRole('alert');
    expect(alert.textContent).toBe('Paste a key first.');
    const field = openai.getByLabelText('OpenAI API key');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')?.split(' ')[0]).toBe(alert.id);
    expect(calls).toHaveLength(0);
  });

  it('saves a key the server takes, and marks one it refuses as the field’s fault', async () => {
    const { calls } = mockFetch({
      'PUT /api/keys/openai': () => ({
        status: 400,
        body: { error: { code: 'invalid_key_format', message: '…', provider: 'openai', expected: 'sk-…' } },
      }),
      'PUT /api/keys/mistral': () => ({
        body: { provider: 'mistral', mask: 'zyxwv...ba', updatedAt: '2026-03-02T10:00:00Z', verified: true },
      }),
    });
    const onChanged = vi.fn();
    renderWithApp(<PersonalKeys providers={providers} keys={keys} onChanged={onChanged} />);
    const openai = within(screen.getByTestId('personal-key-openai'));
    await userEvent.type(openai.getByLabelText('OpenAI API key'), 'not-a-key-at-all-really');
    await userEvent.click(openai.getByRole('button', { name: 'Save' }));
    await openai.findByRole('alert');
    expect(openai.getByLabelText('OpenAI API key').getAttribute('aria-invalid')).toBe('true');

    const mistral = within(screen.getByTestId('personal-key-mistral'));
    await userEvent.type(mistral.getByLabelText('Mistral API key'), 'abcdefghijklmnopqrstuvwxyz123456');
    await userEvent.click(mistral.getByRole('button', { name: 'Replace' }));
    expect((await mistral.findByRole('status')).textContent).toBe('Mistral accepted the key; it is saved.');
    expect(mistral.getByLabelText('Mistral API key').getAttribute('aria-invalid')).toBeNull();
    expect(calls.find((call) => call.url === '/api/keys/mistral')?.body).toEqual({
      apiKey: 'abcdefghijklmnopqrstuvwxyz123456',
      verify: true,
    });
    expect(onChanged).toHaveBeenCalledOnce();
  });
});
