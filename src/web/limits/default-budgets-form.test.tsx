// @vitest-environment jsdom
// The refused field is marked for assistive technology and tied to the message that names it.
import { cleanup, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdminLimits } from '../../shared/limits.ts';
import { mockFetch, renderWithApp } from '../test-utils.tsx';
import { DefaultBudgetsForm } from './default-budgets-form.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const none = { dayMicrousd: null, monthMicrousd: null, dayTokens: null, monthTokens: null };
const limits: AdminLimits = {
  default: {
    budgets: { global: none, personal: none },
    requestsPerMinute: 60,
    tokensPerMinute: null,
    minUsefulOutputTokens: 256,
    updatedAt: null,
  },
  users: [],
  store: 'redis',
  timezone: 'UTC',
};

describe('DefaultBudgetsForm', () => {
  it('marks the refused field invalid, described by the message, and clears the mark once it is fixed', async () => {
    const { calls } = mockFetch({
      'PUT /api/admin/limits/default': (call) => ({ body: { ...limits.default, budgets: call.body } }),
    });
    const onSaved = vi.fn();
    renderWithApp(<DefaultBudgetsForm limits={limits} onSaved={onSaved} />);
    const global = within(screen.getByTestId('default-budget-global'));
    const perMonth = global.getByLabelText('Per month ($)');
    await userEvent.type(perMonth, 'ten');
    await userEvent.click(screen.getByRole('button', { name: 'Save the default budgets' }));

    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Global keys (you pay) · Per month ($)');
    expect(perMonth.getAttribute('aria-invalid')).toBe('true');
    expect(perMonth.getAttribute('aria-describedby')).toBe(alert.id);
    // The same field of the other key source is not the one refused.
    const personalMonth = within(screen.getByTestId('default-budget-personal')).getByLabelText('Per month ($)');
    expect(personalMonth.getAttribute('aria-invalid')).toBeNull();
    expect(calls).toHaveLength(0);

    await userEvent.clear(perMonth);
    await userEvent.type(perMonth, '10');
    await userEvent.click(screen.getByRole('button', { name: 'Save the default budgets' }));
    await screen.findByText('Default budgets saved.');
    expect(perMonth.getAttribute('aria-invalid')).toBeNull();
    expect(onSaved).toHaveBeenCalledOnce();
    expect(screen.getByTestId('limits-store').textContent).not.toContain('memory');
  });

  it('saves the shortest useful answer, and refuses one that is not a whole number of tokens', async () => {
    const { calls } = mockFetch({
      'PUT /api/admin/limits/default': (call) => {
        const body = call.body as { minUsefulOutputTokens: number };
        return { body: { ...limits.default, minUsefulOutputTokens: body.minUsefulOutputTokens } };
      },
    });
    renderWithApp(<DefaultBudgetsForm limits={limits} onSaved={vi.fn()} />);
    const minimum = screen.getByLabelText('Shortest useful answer (output tokens)');
    expect((minimum as HTMLInputElement).value).toBe('256');
    await userEvent.clear(minimum);
    await userEvent.type(minimum, '12.5');
    await userEvent.click(screen.getByRole('button', { name: 'Save the default budgets' }));
    expect(screen.getByRole('alert').textContent).toContain('whole number of tokens');
    expect(minimum.getAttribute('aria-invalid')).toBe('true');
    expect(calls).toHaveLength(0);

    await userEvent.clear(minimum);
    await userEvent.type(minimum, '400');
    await userEvent.click(screen.getByRole('button', { name: 'Save the default budgets' }));
    await screen.findByText('Default budgets saved.');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body).toMatchObject({ minUsefulOutputTokens: 400 });
    expect(minimum.getAttribute('aria-invalid')).toBeNull();
  });
});
