// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationMessage } from '../api/types.ts';
import type { Catalog } from '../components/use-catalog.ts';
import { renderWithApp } from '../test-utils.tsx';
import { MessageList } from './message-list.tsx';

afterEach(cleanup);

const catalog: Catalog = {
  providers: [{ id: 'openai', name: 'OpenAI', keyHint: 'sk-', models: [{ id: 'gpt-4o-mini', name: 'GPT-4o mini' }] }],
  keys: [],
};

const messages: ConversationMessage[] = [
  {
    id: 'm1',
    role: 'user',
    content: 'What is **bold**?',
    provider: null,
    model: null,
    keySource: null,
    inputTokens: null,
    outputTokens: null,
    createdAt: '2026-03-01T10:00:00Z',
  },
  {
    id: 'm2',
    role: 'assistant',
    content: 'This is **bold**.',
    provider: 'openai',
    model: 'gpt-4o-mini',
    keySource: 'personal',
    inputTokens: 1200,
    outputTokens: 8,
    createdAt: '2026-03-01T10:00:01Z',
  },
];

describe('MessageList', () => {
  it('invites a first message in an empty conversation', () => {
    renderWithApp(<MessageList messages={[]} pending={null} catalog={catalog} />);
    expect(screen.getByRole('heading', { name: 'What shall we talk about?' })).toBeTruthy();
  });

  it('shows the user’s text as typed and answers as Markdown, with their model, key and tokens', () => {
    renderWithApp(<MessageList messages={messages} pending={null} catalog={catalog} />);
    expect(screen.getByTestId('message-user').querySelector('.user-text')?.textContent).toBe('What is **bold**?');
    const answer = screen.getByTestId('message-assistant');
    expect(answer.querySelector('strong:not(.message-meta strong)')?.textContent).toBe('bold');
    expect(answer.querySelector('.message-meta .muted')?.textContent).toBe(
      'GPT-4o mini · personal key · 1,200 in / 8 out tokens',
    );
    expect(screen.queryByRole('heading', { name: 'What shall we talk about?' })).toBeNull();
  });

  it('says under an answer limited to fit the budget how far it was limited, in French and in English', () => {
    renderWithApp(<MessageList messages={messages} pending={null} catalog={catalog} capped={{ m2: 1300 }} />);
    expect(screen.getByTestId('message-assistant').querySelector('[data-testid="capped-note"]')?.textContent).toBe(
      'Answer limited to 1,300 tokens to fit your budget.',
    );
    cleanup();
    renderWithApp(<MessageList messages={messages} pending={null} catalog={catalog} capped={{ m2: 1300 }} />, {
      language: 'fr',
    });
    expect(screen.getByTestId('capped-note').textContent?.replace(/\s/g, ' ')).toBe(
      'Réponse limitée à 1 300 jetons pour tenir dans votre budget.',
    );
    cleanup();
    renderWithApp(<MessageList messages={messages} pending={null} catalog={catalog} />);
    expect(screen.queryByTestId('capped-note')).toBeNull();
  });

  it('shows the turn in progress, writing and then stopped, and says the list is busy meanwhile', () => {
    const { rerender, container } = renderWithApp(
      <MessageList
        messages={messages}
        pending={{ question: 'And more?', answer: '', stopped: false }}
        catalog={catalog}
      />,
    );
    expect(container.querySelector('.messages')?.getAttribute('aria-busy')).toBe('true');
    const pending = screen.getByTestId('message-assistant-pending');
    expect(pending.textContent).toContain('Writing…');
    expect(pending.querySelector('.typing')).not.toBeNull();
    expect(screen.getAllByTestId('message-user').at(-1)?.textContent).toContain('And more?');
    rerender(
      <MessageList
        messages={messages}
        pending={{ question: 'And more?', answer: 'Some', stopped: true }}
        catalog={catalog}
      />,
    );
    expect(screen.getByTestId('message-assistant-pending').textContent).toContain('Stopped.');
  });
});
