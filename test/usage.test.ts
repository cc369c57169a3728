// Usage metering end to end: one row per request through /api/chat and /v1 for every provider,
// costs from the price table (and a price change mid-range), refusals, provider errors and cut
// streams, statistics that only their owner (or an admin) reads, CSV equal to the API, and a
// graceful shutdown that loses nothing.

import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { costMicrousd } from '../src/server/metering/cost.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { type Client, signUp } from './helpers/client.ts';
import { allProviders, type KeyProvider, makeKey } from './helpers/keys.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let admin: Client;
let alice: Client;
let bob: Client;
let aliceId: string;
let token: string;
let openai: OpenAI;

const models: Record<KeyProvider, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
  google: 'gemini-2.5-flash',
  mistral: 'mistral-small-latest',
  groq: 'llama-3.1-8b-instant',
};

type Row = {
  request_id: string;
  user_id: string;
  endpoint: string;
  provider: string;
  model: string;
  key_source: string;
  input_tokens: number;
  output_tokens: number;
  cost_microusd: string | number;
  input_microusd_per_mtok: string | number | null;
  output_microusd_per_mtok: string | number | null;
  unpriced: boolean;
  estimated: boolean;
  status: number;
  error_code: string | null;
};

async function rows(where = sql`true`): Promise<Row[]> {
  await test.app.metering.ledger.flush();
  const result = await test.app.database.db.execute(sql`select * from usage_event where ${where} order by created_at`);
  return (result as unknown as { rows: Row[] }).rows;
}
const lastRow = async () => (await rows()).at(-1);
const chat = (client: Client, provider: string, extra: Record<string, unknown> = {}) =>
  client.post('/api/chat', {
    provider,
    model: models[provider as KeyProvider] ?? 'x',
    messages: [{ role: 'user', content: 'Count my tokens please.' }],
    ...extra,
  });

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp({ ...fakes.env, WEBOX_UPSTREAM_TIMEOUT_MS: '2000' });
  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const address = test.app.server.address();
  admin = await signUp(test.app);
  alice = await signUp(test.app);
  bob = await signUp(test.app);
  aliceId = (await alice.get('/api/me')).json().id;
  for (const provider of allProviders) await admin.put(`/api/admin/keys/${provider}`, { apiKey: makeKey[provider]() });
  token = (await alice.post('/api/tokens', { name: 'usage' })).json().token;
  openai = new OpenAI({
    apiKey: token,
    baseURL: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`,
    maxRetries: 0,
  });
});

beforeEach(() => fakes.reset());

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

describe('one usage row per request', () => {
  for (const provider of allProviders) {
    it(`${provider}: /api/chat (streamed) and /v1 (plain and streamed), priced from the catalogue`, async () => {
      const before = (await rows()).length;
      const streamed = await chat(alice, provider);
      expect(streamed.statusCode).toBe(200);
      await openai.chat.completions.create({
        model: `${provider}/${models[provider]}`,
        messages: [{ role: 'user', content: 'plain' }],
      });
      const stream = await openai.chat.completions.create({
        model: `${provider}/${models[provider]}`,
        messages: [{ role: 'user', content: 'stream' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _chunk of stream) {
        // drain
      }
      const written = (await rows()).slice(before);
      expect(written.map((row) => row.endpoint)).toEqual(['chat', 'gateway', 'gateway']);
      for (const row of written) {
        expect(row).toMatchObject({
          user_id: aliceId,
          provider,
          model: models[provider],
          key_source: 'global',
          status: 200,
        });
        expect(row.input_tokens).toBeGreaterThan(0);
        expect(row.output_tokens).toBeGreaterThan(0);
        expect(row.unpriced).toBe(false);
        expect(row.estimated).toBe(false);
        const price = test.app.metering.prices.priceAt(provider, models[provider], new Date());
        expect(Number(row.input_microusd_per_mtok)).toBe(price?.inputMicrousdPerMtok);
        expect(Number(row.cost_microusd)).toBe(
          costMicrousd(
            { inputTokens: row.input_tokens, outputTokens: row.output_tokens, cachedInputTokens: 0 },
            price!,
          ),
        );
        expect(Number(row.cost_microusd)).toBeGreaterThan(0);
      }
      expect(new Set(written.map((row) => row.request_id)).size).toBe(3);
    });
  }

  it('records refusals, provider errors and models outside the catalogue', async () => {
    await admin.delete('/api/admin/keys/groq');
    await chat(alice, 'groq');
    expect(await lastRow()).toMatchObject({
      provider: 'groq',
      key_source: 'none',
      status: 400,
      error_code: 'no_api_key',
    });
    expect(Number((await lastRow())?.cost_microusd)).toBe(0);
    await admin.put('/api/admin/keys/groq', { apiKey: makeKey.groq() });

    await chat(alice, 'cohere');
    expect(await lastRow()).toMatchObject({ provider: 'cohere', status: 400, error_code: 'unknown_provider' });
    await alice.post('/api/chat', { provider: 'openai', model: 'gpt-4o', messages: [] });
    expect(await lastRow()).toMatchObject({ provider: 'openai', status: 400, error_code: 'invalid_request' });

    fakes.byProvider.anthropic.setBehavior({ kind: 'server_error' }, { times: 2 });
    await chat(alice, 'anthropic');
    expect(await lastRow()).toMatchObject({
      provider: 'anthropic',
      status: 502,
      error_code: 'provider_error',
      input_tokens: 0,
    });
    expect(Number((await lastRow())?.cost_microusd)).toBe(0);

    await openai.chat.completions.create({ model: 'openai/gpt-9-preview', messages: [{ role: 'user', content: 'x' }] });
    expect(await lastRow()).toMatchObject({ model: 'gpt-9-preview', unpriced: true, status: 200 });
    expect(Number((await lastRow())?.cost_microusd)).toBe(0);
  });

  it('charges a cut stream on an estimate, flagged estimated', async () => {
    fakes.byProvider.mistral.setBehavior({ kind: 'cut' }, { times: 1 });
    await chat(alice, 'mistral');
    const viaChat = await lastRow();
    expect(viaChat).toMatchObject({ endpoint: 'chat', estimated: true, status: 502 });
    expect(viaChat?.input_tokens).toBeGreaterThan(0);
    expect(Number(viaChat?.cost_microusd)).toBeGreaterThan(0);

    fakes.byProvider.openai.setBehavior({ kind: 'cut' }, { times: 1 });
    const stream = await openai.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'cut me' }],
      stream: true,
    });
    await (async () => {
      for await (const _chunk of stream) {
        // drain until the cut
      }
    })().catch(() => {});
    const viaGateway = await lastRow();
    expect(viaGateway).toMatchObject({ endpoint: 'gateway', estimated: true, error_code: 'provider_error' });
    expect(viaGateway?.output_tokens).toBeGreaterThan(0);
  });

  it('applies a new price from its date on, without rewriting history', async () => {
    const before = await chat(alice, 'openai', { stream: false });
    expect(before.statusCode).toBe(200);
    const oldRow = await lastRow();
    const added = await admin.post('/api/admin/prices', {
      provider: 'openai',
      model: 'gpt-4o-mini',
      effectiveFrom: new Date().toISOString(),
      inputMicrousdPerMtok: 10_000_000,
      outputMicrousdPerMtok: 20_000_000,
      cachedInputMicrousdPerMtok: null,
    });
    expect(added.statusCode).toBe(201);
    await chat(alice, 'openai', { stream: false });
    const newRow = await lastRow();
    expect(Number(newRow?.input_microusd_per_mtok)).toBe(10_000_000);
    expect(Number(newRow?.cost_microusd)).toBe(
      Math.ceil((newRow!.input_tokens * 10_000_000) / 1e6) + Math.ceil((newRow!.output_tokens * 20_000_000) / 1e6),
    );
    const oldAgain = (await rows(sql`request_id = ${oldRow?.request_id}`))[0];
    expect(Number(oldAgain?.cost_microusd)).toBe(Number(oldRow?.cost_microusd));
    expect(Number(oldAgain?.input_microusd_per_mtok)).toBe(150_000);
    expect((await alice.post('/api/admin/prices', {})).statusCode).toBe(403);
  });
});

describe('statistics', () => {
  it('shows users their own usage only, and admins everyone’s with what each cost on global keys', async () => {
    await chat(bob, 'google');
    const own = (await alice.get('/api/usage?groupBy=provider')).json();
    const aliceRows = (await rows(sql`user_id = ${aliceId}`)).filter((row) => row.status < 600);
    expect(own.totals.requests).toBe(aliceRows.length);
    expect(own.totals.costMicrousd).toBe(aliceRows.reduce((sum, row) => sum + Number(row.cost_microusd), 0));
    expect(own.series.map((row: { key: string }) => row.key)).toContain('openai');
    expect((await alice.get('/api/usage?groupBy=user')).statusCode).toBe(400);
    expect((await alice.get('/api/admin/usage')).statusCode).toBe(403);
    expect((await alice.get(`/api/usage?userId=${(await bob.get('/api/me')).json().id}`)).json().totals.requests).toBe(
      own.totals.requests,
    );

    const byUser = (await admin.get('/api/admin/usage?groupBy=user')).json();
    const everything = await rows();
    expect(byUser.totals.requests).toBe(everything.length);
    const aliceEntry = byUser.series.find((row: { email: string }) => row.email === alice.email);
    expect(aliceEntry.globalCostMicrousd).toBe(
      aliceRows.filter((row) => row.key_source === 'global').reduce((sum, row) => sum + Number(row.cost_microusd), 0),
    );
    expect(byUser.series[0].globalCostMicrousd).toBeGreaterThanOrEqual(byUser.series.at(-1).globalCostMicrousd);
    const byDay = (await admin.get('/api/admin/usage?groupBy=day')).json();
    expect(byDay.series).toHaveLength(1);
    expect(byDay.timezone).toBe('UTC');
  });

  it('exports the same numbers as CSV, in French (`;`, decimal commas) and in English', async () => {
    const json = (await admin.get('/api/admin/usage?groupBy=user')).json();
    expect(json.series.length).toBeGreaterThan(0);
    // A name a spreadsheet would run as a formula.
    await test.app.database.db.execute(sql`update "user" set name = '=HYPERLINK("http://x")' where id = ${aliceId}`);

    const french = await admin.request({
      method: 'GET',
      url: '/api/admin/usage?groupBy=user&format=csv',
      headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' },
    });
    expect(french.headers['content-type']).toContain('text/csv');
    expect(french.headers['content-disposition']).toMatch(/^attachment; filename="webox-usage-.*-by-user\.csv"$/);
    expect(french.body.startsWith('\uFEFF')).toBe(true);
    expect(french.body).toContain('\r\n');
    const frRows: Record<string, string>[] = parse(french.body, { delimiter: ';', bom: true, columns: true });
    expect(Object.keys(frRows[0] ?? {})).toEqual([
      'Utilisateur (id)',
      'Nom',
      'Adresse e-mail',
      'Requêtes',
      'Erreurs',
      "Jetons d'entrée",
      'Jetons de sortie',
      "Jetons d'entrée en cache",
      'Coût (USD)',
      'Coût (micro-dollars)',
      'Coût sur les clés globales (USD)',
      'Coût sur les clés globales (micro-dollars)',
      'Coût sur les clés personnelles (USD)',
      'Coût sur les clés personnelles (micro-dollars)',
    ]);
    const fromFrench = (cell: string | undefined) => Number((cell ?? '').replace(',', '.'));
    expect(frRows).toHaveLength(json.series.length);
    for (const [index, row] of json.series.entries()) {
      const line = frRows[index] ?? {};
      expect(line['Utilisateur (id)']).toBe(row.key);
      expect(line['Adresse e-mail']).toBe(row.email);
      expect(Number(line.Requêtes)).toBe(row.requests);
      expect(Number(line['Coût (micro-dollars)'])).toBe(row.costMicrousd);
      expect(line['Coût (USD)']).toMatch(/^\d+,\d{6}$/);
      expect(fromFrench(line['Coût (USD)'])).toBeCloseTo(row.costMicrousd / 1e6, 6);
      expect(Number(line['Coût sur les clés globales (micro-dollars)'])).toBe(row.globalCostMicrousd);
    }
    const hers = frRows.find((line) => line['Utilisateur (id)'] === aliceId);
    expect(hers?.Nom).toBe(`'=HYPERLINK("http://x")`);

    const english = await admin.get('/api/admin/usage?groupBy=model&format=csv&lang=en');
    const byModel = (await admin.get('/api/admin/usage?groupBy=model')).json();
    const enRows: Record<string, string>[] = parse(english.body, { bom: true, columns: true });
    expect(enRows).toHaveLength(byModel.series.length);
    for (const [index, row] of byModel.series.entries()) {
      const line = enRows[index] ?? {};
      expect(line.Model).toBe(row.key);
      expect(Number(line.Requests)).toBe(row.requests);
      expect(Number(line['Cost (USD)'])).toBeCloseTo(row.costMicrousd / 1e6, 6);
      expect(Number(line['Cost (micro-dollars)'])).toBe(row.costMicrousd);
    }
    // ?lang= wins over the header.
    const asked = await admin.request({
      method: 'GET',
      url: '/api/usage?format=csv&lang=en',
      headers: { 'accept-language': 'fr' },
    });
    expect(asked.body.split('\r\n')[0]).toBe(
      '\uFEFFDay,Requests,Errors,Input tokens,Output tokens,Cached input tokens,Cost (USD),Cost (micro-dollars),Cost on the global keys (USD),Cost on the global keys (micro-dollars),Cost on personal keys (USD),Cost on personal keys (micro-dollars)',
    );
    expect((await admin.get('/api/usage?format=csv&lang=de')).statusCode).toBe(400);
  });

  it("answers the usage page's report in one request: the same totals and series as one per grouping", async () => {
    const range = 'from=2020-01-01&to=2099-12-31';
    const mine = (await alice.get(`/api/usage/report?${range}`)).json();
    const day = (await alice.get(`/api/usage?${range}&groupBy=day`)).json();
    const model = (await alice.get(`/api/usage?${range}&groupBy=model`)).json();
    expect(mine).toEqual({
      from: '2020-01-01',
      to: '2099-12-31',
      timezone: 'UTC',
      totals: day.totals,
      series: { day: day.series, model: model.series },
    });
    expect(mine.totals.requests).toBeGreaterThan(0);
    // Someone else's usage is the admins' to read.
    expect((await alice.get(`/api/usage/report?userId=${aliceId}`)).json().error.code).toBe('invalid_request');
    expect((await alice.get('/api/admin/usage/report')).statusCode).toBe(403);

    const everyone = (await admin.get(`/api/admin/usage/report?${range}`)).json();
    const byUser = (await admin.get(`/api/admin/usage?${range}&groupBy=user`)).json();
    expect(everyone.series.user).toEqual(byUser.series);
    expect(everyone.series.user.map((row: { email: string }) => row.email)).toContain(alice.email);
    const hers = (await admin.get(`/api/admin/usage/report?${range}&userId=${aliceId}`)).json();
    expect(hers.totals).toEqual(mine.totals);
    expect(hers.series.user).toBeUndefined();
    expect((await alice.get('/api/usage/report?from=yesterday')).json().error.code).toBe('invalid_request');
  });

  it('refuses bad ranges', async () => {
    expect((await alice.get('/api/usage?from=yesterday')).json().error.code).toBe('invalid_request');
    expect((await alice.get('/api/usage?from=2026-02-01&to=2026-01-01')).statusCode).toBe(400);
    expect((await alice.get('/api/usage?from=2020-01-01&to=2020-01-31')).json().totals.requests).toBe(0);
  });
});

describe('batching', () => {
  it('never writes a request id twice', async () => {
    const record = {
      requestId: 'duplicate-request',
      userId: aliceId,
      endpoint: 'chat' as const,
      provider: 'openai',
      model: 'gpt-4o-mini',
      keySource: 'global' as const,
      tokens: { inputTokens: 10, outputTokens: 10, cachedInputTokens: 0 },
      status: 200,
    };
    test.app.metering.ledger.record(record);
    test.app.metering.ledger.record(record);
    await test.app.metering.ledger.flush();
    test.app.metering.ledger.record(record);
    expect(await rows(sql`request_id = 'duplicate-request'`)).toHaveLength(1);
    const daily = await test.app.database.db.execute(
      sql`select sum(requests)::int as requests from usage_daily where user_id = ${aliceId}`,
    );
    const events = await rows(sql`user_id = ${aliceId}`);
    expect((daily as unknown as { rows: Array<{ requests: number }> }).rows[0]?.requests).toBe(events.length);
  });

  it('a row for an account deleted meanwhile is dropped without holding up the others', async () => {
    const base = {
      endpoint: 'gateway' as const,
      provider: 'openai',
      model: 'gpt-4o-mini',
      keySource: 'global' as const,
      tokens: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 },
      status: 200,
    };
    test.app.metering.ledger.record({ ...base, requestId: 'deleted-account-row', userId: 'no-such-user' });
    test.app.metering.ledger.record({ ...base, requestId: 'live-account-row', userId: aliceId });
    await test.app.metering.ledger.flush();
    expect(test.app.metering.ledger.pending()).toBe(0);
    expect(await rows(sql`request_id in ('deleted-account-row', 'live-account-row')`)).toHaveLength(1);
  });
});
