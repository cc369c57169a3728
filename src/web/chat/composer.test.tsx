// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithApp } from '../test-utils.tsx';
import { Composer } from './composer.tsx';

afterEach(cleanup);

function Harness({
  onSend,
  streaming = false,
  unavailable = false,
}: {
  onSend: () => void;
  streaming?: boolean;
  unavailable?: boolean;
}) {
  const [value, setValue] = useState('');
  return (
    <Composer
      value={value}
      onChange={setValue}
      onSend={onSend}
      onStop={() => {}}
      streaming={streaming}
      unavailable={unavailable}
    />
  );
}

describe('Composer', () => {
  it('sends on Enter, keeps Shift+Enter for a new line, and only sends something', async () => {
    const onSend = vi.fn();
    renderWithApp(<Harness onSend={onSend} />);
    const box = screen.getByLabelText('Your message');
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true);
    await userEvent.type(box, 'first line{Shift>}{Enter}{/Shift}second');
    expect((box as HTMLTextAreaElement).value).toBe('first line\nsecond');
    expect(onSend).not.toHaveBeenCalled();
    await userEvent.type(box, '{Enter}');
    expect(onSend).toHaveBeenCalledOnce();
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledTimes(2);
  });

  it('cannot send for a model with no key, and offers stop while an answer streams in', async () => {
    renderWithApp(<Harness onSend={() => {}} unavailable />);
    await userEvent.type(screen.getByLabelText('Your message'), 'hello');
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true);
    cleanup();
    const onStop = vi.fn();
    renderWithApp(
      <Composer value="hello" onChange={() => {}} onSend={() => {}} onStop={onStop} streaming unavailable={false} />,
    );
    expect(screen.queryByRole('button', { name: 'Send' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: '■ Stop' }));
    expect(onStop).toHaveBeenCalledOnce();
  });
});
