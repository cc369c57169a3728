// @vitest-environment jsdom
// The chat's state over a fake API: a first message creates the conversation and streams its
// answer in; errors put the question back; stop aborts the stream and shows what the server kept.
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationMessage, ConversationSummary } from '../api/types.ts';
import type { Catalog } from '../components/use-catalog.ts';
import { eventStream, mockFetch, renderHookWithApp } from '../test-utils.tsx';
import { useConversation } from './use-conversation.ts';

beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const catalog: Catalog = {
  providers: [
    { id: 'openai', name: 'OpenAI', keyHint: 'sk-', models: [{ id: 'gpt-4o-mini', name: 'GPT-4o mini' }] },
    { id: 'mistral', name: 'Mistral', keyHint: '32', models: [{ id: 'mistral-small', name: 'Mistral Small' }] },
  ],
  keys: [
    { provider: 'openai', source: 'global', personal: null, global: { configured: true } },
    { provider: 'mistral', source: 'none', personal: null, global: { configured: false } },
  ],
};

const summary = (overrides: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id: 'c1',
  title: '',
  provider: 'openai',
  model: 'gpt-4o-mini',
  createdAt: '2026-03-01T10:00:00Z',
  updatedAt: '2026-03-01T10:00:00Z',
  ...overrides,
});

const message = (role: 'user' | 'assistant', content: string, id = `${role}-1`): ConversationMessage => ({
  id,
  role,
  content,
  provider: role === 'assistant' ? 'openai' : null,
  model: role === 'assistant' ? 'gpt-4o-mini' : null,
  keySource: role === 'assistant' ? 'global' : null,
  inputTokens: role === 'assistant' ? 5 : null,
  outputTokens: role === 'assistant' ? 2 : null,
  createdAt: '2026-03-01T10:00:01Z',
});

type Props = { conversationId: string | undefined };
const render = (conversationId: string | undefined, onAnswered = vi.fn()) =>
  renderHookWithApp((props: Props) => useConversation({ ...props, catalog, onAnswered }), {
    initialProps: { conversationId },
    path: conversationId ? `/c/${conversationId}` : '/',
  });

describe('useConversation', () => {
  it('creates the conversation on the first message, streams the answer in, then shows the saved turn', async () => {
    let feed: ReturnType<typeof eventStream> | undefined;
    const { calls } = mockFetch({
      'GET /api/conversations': () => ({ body: { conversations: [summary({ id: 'old', title: 'Older' })] } }),
      'POST /api/conversations': () => ({ status: 201, body: summary() }),
      'POST /api/conversations/c1/messages': (call) => {
        feed = eventStream(call.signal);
        return { stream: feed.stream };
      },
    });
    const onAnswered = vi.fn();
    const { result, location } = render(undefined, onAnswered);
    // No remembered model: the first one that runs.
    await waitFor(() => expect(result.current.choice).toEqual({ provider: 'openai', model: 'gpt-4o-mini' }));
    await waitFor(() => expect(result.current.conversations).toHaveLength(1));

    act(() => result.current.setDraft('  Hello there  '));
    let sent: Promise<void> | undefined;
    act(() => {
      sent = result.current.send();
    });
    expect(result.current.pending).toEqual({ question: 'Hello there', answer: '', stopped: false });
    expect(result.current.draft).toBe('');
    await waitFor(() => expect(feed).toBeDefined());
    expect(location()).toBe('/c/c1');
    expect(result.current.conversations?.map((item) => item.id)).toEqual(['c1', 'old']);

    act(() => {
      feed?.send({ type: 'delta', text: 'Hi' });
      feed?.send({ type: 'delta', text: ', you' });
    });
    await waitFor(() => expect(result.current.pending?.answer).toBe('Hi, you'));

    const titled = summary({ title: 'Hello there', updatedAt: '2026-03-01T10:00:02Z' });
    await act(async () => {
      feed?.send({
        type: 'done',
        source: 'global',
        usage: { inputTokens: 5, outputTokens: 2 },
        userMessage: message('user', 'Hello there'),
        assistantMessage: message('assistant', 'Hi, you'),
        conversation: titled,
      });
      feed?.end();
      await sent;
    });
    expect(result.current.pending).toBeNull();
    expect(result.current.messages.map((item) => item.content)).toEqual(['Hello there', 'Hi, you']);
    expect(result.current.current).toEqual(titled);
    expect(result.current.conversations?.map((item) => item.title)).toEqual(['Hello there', 'Older']);
    expect(result.current.error).toBeNull();
    expect(onAnswered).toHaveBeenCalledOnce();
    expect(calls.find((call) => call.url === '/api/conversations/c1/messages')?.body).toEqual({
      content: 'Hello there',
      provider: 'openai',
      model: 'gpt-4o-mini',
    });
  });

  it('opens the conversation the address names, on its model, and puts back a question the provider refused', async () => {
    mockFetch({
      'GET /api/conversations': () => ({ body: { conversations: [summary({ title: 'Saved' })] } }),
      'GET /api/conversations/c1': () => ({
        body: { ...summary({ title: 'Saved', provider: 'mistral', model: 'mistral-small' }), messages: [] },
      }),
      'POST /api/conversations/c1/messages': () => ({
        status: 502,
        body: { error: { code: 'provider_rejected_key', message: '…', provider: 'mistral', source: 'global' } },
      }),
    });
    const onAnswered = vi.fn();
    const { result } = render('c1', onAnswered);
    await waitFor(() => expect(result.current.current?.title).toBe('Saved'));
    expect(result.current.choice).toEqual({ provider: 'mistral', model: 'mistral-small' });

    act(() => result.current.setDraft('Is my key fine?'));
    await act(() => result.current.send());
    expect(result.current.error).toBe('Mistral refused the global key. An administrator must replace it.');
    expect(result.current.draft).toBe('Is my key fine?');
    expect(result.current.pending).toBeNull();
    expect(onAnswered).toHaveBeenCalledOnce();
  });

  it('keeps the link to subscribe of a refusal of the shared keys, and drops it with the next error', async () => {
    let refuse = true;
    mockFetch({
      'GET /api/conversations': () => ({ body: { conversations: [summary()] } }),
      'GET /api/conversations/c1': () => ({ body: { ...summary(), messages: [] } }),
      'POST /api/conversations/c1/messages': () =>
        refuse
          ? {
              status: 402,
              body: {
                error: {
                  code: 'subscription_required',
                  message: '…',
                  reason: 'no_subscription',
                  subscribeUrl: 'http://localhost:3000/profile#billing',
                },
              },
            }
          : { status: 503, body: { error: { code: 'server_shutting_down', message: '…' } } },
    });
    const { result } = render('c1');
    await waitFor(() => expect(result.current.current?.id).toBe('c1'));
    act(() => result.current.setDraft('Hello'));
    await act(() => result.current.send());
    expect(result.current.error).toMatch(/^The shared keys need a subscription\./);
    expect(result.current.errorLink).toBe('http://localhost:3000/profile#billing');
    expect(result.current.draft).toBe('Hello');

    refuse = false;
    await act(() => result.current.send());
    expect(result.current.error).toBe('WeBox is restarting. Try again in a moment.');
    expect(result.current.errorLink).toBeNull();
  });

  it('stops an answer: the stream is aborted, the saved conversation shown, and an unanswered question put back', async () => {
    let feed: ReturnType<typeof eventStream> | undefined;
    let signal: AbortSignal | undefined;
    const { calls } = mockFetch({
      'GET /api/conversations': () => ({ body: { conversations: [summary()] } }),
      'GET /api/conversations/c1': () => ({ body: { ...summary(), messages: [] } }),
      'POST /api/conversations/c1/messages': (call) => {
        signal = call.signal;
        feed = eventStream(call.signal);
        return { stream: feed.stream };
      },
    });
    const { result } = render('c1');
    await waitFor(() => expect(result.current.current?.id).toBe('c1'));
    act(() => result.current.setDraft('Take your time'));
    let sent: Promise<void> | undefined;
    act(() => {
      sent = result.current.send();
    });
    await waitFor(() => expect(feed).toBeDefined());
    act(() => result.current.stop());
    expect(signal?.aborted).toBe(true);
    expect(result.current.pending?.stopped).toBe(true);
    await act(async () => {
      await sent;
    });
    expect(result.current.pending).toBeNull();
    expect(result.current.draft).toBe('Take your time');
    expect(result.current.error).toBeNull();
    // The conversation was read again once the server had had time to save what it kept.
    expect(calls.filter((call) => call.url === '/api/conversations/c1')).toHaveLength(2);
  });

  it('says so when the address names a conversation that does not exist', async () => {
    mockFetch({ 'GET /api/conversations': () => ({ body: { conversations: [] } }) });
    const { result } = render('gone');
    await waitFor(() => expect(result.current.error).toBe('This conversation does not exist or was deleted.'));
    expect(result.current.current).toBeNull();
  });

  it('leaves the open conversation for a new one when it is deleted, and remembers a model chosen', async () => {
    const { calls } = mockFetch({
      'GET /api/conversations': () => ({ body: { conversations: [summary(), summary({ id: 'c2' })] } }),
      'GET /api/conversations/c1': () => ({ body: { ...summary(), messages: [message('user', 'Hi')] } }),
      'PATCH /api/conversations/c1': (call) => ({ body: { ...summary(), ...(call.body as object) } }),
    });
    const { result, location } = render('c1');
    await waitFor(() => expect(result.current.messages).toHaveLength(1));

    act(() => result.current.changeChoice({ provider: 'mistral', model: 'mistral-small' }));
    await waitFor(() => expect(result.current.current?.provider).toBe('mistral'));
    expect(calls.find((call) => call.method === 'PATCH')?.body).toEqual({
      provider: 'mistral',
      model: 'mistral-small',
    });
    expect(JSON.parse(localStorage.getItem('webox.lastModel') ?? 'null')).toEqual({
      provider: 'mistral',
      model: 'mistral-small',
    });

    let wasOpen = true;
    act(() => {
      wasOpen = result.current.deleted('c2');
    });
    expect(wasOpen).toBe(false);
    expect(result.current.current?.id).toBe('c1');
    act(() => {
      wasOpen = result.current.deleted('c1');
    });
    expect(wasOpen).toBe(true);
    expect(result.current.conversations).toEqual([]);
    expect(result.current.current).toBeNull();
    expect(result.current.messages).toEqual([]);
    expect(location()).toBe('/');
  });
});
