// /api/conversations: saved per user, 404 for everyone else, and a turn streamed through the
// resolved key and saved once the provider has answered.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultReplyFor, type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signUp } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';
import { parseSse } from './helpers/sse.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let alice: Client;
let bob: Client;
const globalOpenAiKey = makeKey.openai();

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_UPSTREAM_TIMEOUT_MS: '1500' });
  admin = await signUp(test.app);
  alice = await signUp(test.app);
  bob = await signUp(test.app);
  expect((await admin.put('/api/admin/keys/openai', { apiKey: globalOpenAiKey })).statusCode).toBe(200);
});

beforeEach(() => fakes.reset());

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

async function createConversation(client: Client, body: Record<string, unknown> = {}) {
  const response = await client.post('/api/conversations', { provider: 'openai', model: 'gpt-4o-mini', ...body });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; title: string; provider: string; model: string };
}

describe('conversations', () => {
  it('creates, lists, renames and deletes a conversation of ones own', async () => {
    const created = await createConversation(alice, { title: 'Plans' });
    expect(created).toMatchObject({ title: 'Plans', provider: 'openai', model: 'gpt-4o-mini' });

    const list = (await alice.get('/api/conversations')).json() as { conversations: Array<{ id: string }> };
    expect(list.conversations.map((item) => item.id)).toContain(created.id);

    const renamed = await alice.patch(`/api/conversations/${created.id}`, { title: 'Holiday plans' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id: created.id, title: 'Holiday plans' });

    const switched = await alice.patch(`/api/conversations/${created.id}`, { provider: 'groq', model: 'llama-3.3' });
    expect(switched.json()).toMatchObject({ provider: 'groq', model: 'llama-3.3' });

    expect((await alice.delete(`/api/conversations/${created.id}`)).statusCode).toBe(204);
    expect((await alice.get(`/api/conversations/${created.id}`)).statusCode).toBe(404);
  });

  it("answers 404 for another user's conversation, whatever the method", async () => {
    const mine = await createConversation(alice);
    const attempts = [
      await bob.get(`/api/conversations/${mine.id}`),
      await bob.patch(`/api/conversations/${mine.id}`, { title: 'mine now' }),
      await bob.delete(`/api/conversations/${mine.id}`),
      await bob.post(`/api/conversations/${mine.id}/messages`, { content: 'hi' }),
    ];
    for (const response of attempts) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
    expect((await bob.get('/api/conversations')).json()).toEqual({ conversations: [] });
    // Nothing changed for the owner, and no provider was called.
    expect((await alice.get(`/api/conversations/${mine.id}`)).json()).toMatchObject({ title: '' });
    expect(fakes.requests()).toHaveLength(0);
    // A malformed id is simply not found, not a server error.
    expect((await alice.get('/api/conversations/not-a-uuid')).statusCode).toBe(404);
  });

  it('refuses the anonymous, unknown providers and empty bodies with the common error shape', async () => {
    expect((await anonymous(test.app).get('/api/conversations')).statusCode).toBe(401);
    const unknown = await alice.post('/api/conversations', { provider: 'nope', model: 'x' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('unknown_provider');
    const empty = await alice.patch(`/api/conversations/${(await createConversation(alice)).id}`, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('invalid_request');
  });

  it('streams a turn on the global key, saves both messages and names the conversation', async () => {
    const conversation = await createConversation(alice);
    const response = await alice.post(`/api/conversations/${conversation.id}/messages`, {
      content: 'Tell me about the hybrid key system please',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/event-stream');
    const events = parseSse(response.body);
    const text = events
      .filter((event) => event.type === 'delta')
      .map((event) => event.text)
      .join('');
    expect(text).toBe(defaultReplyFor('openai'));
    const done = events.at(-1) as { assistantMessage: unknown; conversation: { title: string } };
    expect(done).toMatchObject({ type: 'done', source: 'global' });
    expect(done.assistantMessage).toMatchObject({ role: 'assistant', content: text, keySource: 'global' });
    expect(done.conversation.title).toBe('Tell me about the hybrid key system please');

    const posted = fakes.byProvider.openai.requests.filter((request) => request.method === 'POST');
    expect(posted.map((request) => request.apiKey)).toEqual([globalOpenAiKey]);

    const saved = (await alice.get(`/api/conversations/${conversation.id}`)).json();
    expect(saved.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);

    // The next turn sends the whole history, and now goes through a personal key.
    const personal = makeKey.openai();
    expect((await alice.put('/api/keys/openai', { apiKey: personal })).statusCode).toBe(200);
    fakes.reset();
    const second = await alice.post(`/api/conversations/${conversation.id}/messages`, { content: 'And then?' });
    expect(parseSse(second.body).at(-1)).toMatchObject({ type: 'done', source: 'personal' });
    const [request] = fakes.byProvider.openai.requests.filter((item) => item.method === 'POST');
    expect(request?.apiKey).toBe(personal);
    expect(JSON.stringify(request?.body)).toContain('Tell me about the hybrid key system');
    const after = (await alice.get(`/api/conversations/${conversation.id}`)).json();
    expect(after.messages).toHaveLength(4);
    expect(after.messages[3].keySource).toBe('personal');
    expect(after.title).toBe('Tell me about the hybrid key system please');
    expect((await alice.delete('/api/keys/openai')).statusCode).toBe(204);
  });

  it('a turn with no key is a plain JSON error and saves nothing', async () => {
    const conversation = await createConversation(alice, { provider: 'mistral', model: 'mistral-small-latest' });
    const response = await alice.post(`/api/conversations/${conversation.id}/messages`, { content: 'hello' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'no_api_key', provider: 'mistral' });
    expect((await alice.get(`/api/conversations/${conversation.id}`)).json().messages).toEqual([]);
  });

  it('a provider that refuses the key answers provider_rejected_key and saves nothing', async () => {
    const conversation = await createConversation(alice);
    fakes.byProvider.openai.rejectKeys.add(globalOpenAiKey);
    const response = await alice.post(`/api/conversations/${conversation.id}/messages`, { content: 'hello' });
    expect(response.statusCode).toBe(502);
    expect(response.json().error).toMatchObject({ code: 'provider_rejected_key', source: 'global' });
    expect((await alice.get(`/api/conversations/${conversation.id}`)).json().messages).toEqual([]);
  });

  it('the provider and model given with a message become the conversation’s', async () => {
    const conversation = await createConversation(alice);
    await admin.put('/api/admin/keys/groq', { apiKey: makeKey.groq() });
    const response = await alice.post(`/api/conversations/${conversation.id}/messages`, {
      content: 'hello groq',
      provider: 'groq',
      model: 'openai/gpt-oss-20b',
    });
    expect(parseSse(response.body).at(-1)).toMatchObject({ type: 'done', source: 'global' });
    expect((await alice.get(`/api/conversations/${conversation.id}`)).json()).toMatchObject({
      provider: 'groq',
      model: 'openai/gpt-oss-20b',
    });
  });

  it('a stream cut midway keeps the part the user saw and reports the error', async () => {
    const conversation = await createConversation(alice);
    fakes.byProvider.openai.setBehavior({ kind: 'cut' }, { times: 1 });
    const response = await alice.post(`/api/conversations/${conversation.id}/messages`, { content: 'cut me' });
    const events = parseSse(response.body);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'provider_error' });
    const saved = (await alice.get(`/api/conversations/${conversation.id}`)).json();
    const seen = events
      .filter((event) => event.type === 'delta')
      .map((event) => event.text)
      .join('');
    if (seen.length > 0)
      expect(saved.messages.map((message: { content: string }) => message.content)).toEqual(['cut me', seen]);
    else expect(saved.messages).toEqual([]);
  });
});

describe('the web app routes', () => {
  it('keeps the JSON 404 for unknown API paths and answers /api/info', async () => {
    const client = anonymous(test.app);
    const unknown = await client.get('/api/nothing-here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect((await client.get('/v1/nothing')).statusCode).toBe(404);
    expect((await client.get('/api/info')).json()).toEqual({
      name: 'WeBox',
      version: expect.any(String),
      publicOrigin: expect.any(String),
    });
  });
});
