// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Field } from './field.tsx';

afterEach(cleanup);

describe('Field', () => {
  it('ties the label to the control and reads the hint with it', () => {
    render(
      <Field label="Token name" hint="At most 100 characters.">
        {(control) => <input {...control} />}
      </Field>,
    );
    const input = screen.getByLabelText('Token name');
    expect(input.tagName).toBe('INPUT');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    const hint = document.getElementById(input.getAttribute('aria-describedby') ?? '');
    expect(hint?.textContent).toBe('At most 100 characters.');
    expect(input.closest('.field')).not.toBeNull();
  });

  it('marks a refused value invalid and points at the message that says why, before the other descriptions', () => {
    render(
      <>
        <p id="status">Configured</p>
        <Field label="Per day ($)" hint="Empty: no limit." describedBy="status" errorId="form-error">
          {(control) => <input {...control} />}
        </Field>
        <div id="form-error">“Per day ($)” must be a number.</div>
      </>,
    );
    const input = screen.getByLabelText('Per day ($)');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const ids = input.getAttribute('aria-describedby')?.split(' ') ?? [];
    expect(ids.slice(0, 2)).toEqual(['form-error', 'status']);
    expect(ids.map((id) => document.getElementById(id)?.textContent)).toEqual([
      '“Per day ($)” must be a number.',
      'Configured',
      'Empty: no limit.',
    ]);
  });

  it('can hide its label from sight only, and leave the layout to its parent', () => {
    const { container } = render(
      <Field label="Message" hiddenLabel className="">
        {(control) => <textarea {...control} />}
      </Field>,
    );
    expect(screen.getByLabelText('Message').tagName).toBe('TEXTAREA');
    expect(container.querySelector('label')?.className).toBe('visually-hidden');
    expect(container.firstElementChild?.hasAttribute('class')).toBe(false);
    expect(screen.getByLabelText('Message').hasAttribute('aria-describedby')).toBe(false);
  });
});
