// /metrics (issue 16): off unless WEBOX_METRICS_TOKEN is set, then only with that bearer token; the
// text format Prometheus reads; the counters moved by real traffic through /v1 and /api/chat
// against the fake upstreams, with closed label sets that never hold what a client typed.
import { Writable } from 'node:stream';
import pino, { type LoggerOptions } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../src/server/config.ts';
import { loggerOptions } from '../src/server/logging.ts';
import { statusLabel } from '../src/server/metrics/call-metrics.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signUp } from './helpers/client.ts';
import { keyEncodings, makeKey, saveEveryKey } from './helpers/keys.ts';
import { member, NO_LIMITS, setLimits } from './helpers/limits.ts';
import { gatewayModels, testModels } from './helpers/models.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A small reader of Prometheus's text format (exposition format 0.0.4): `# HELP`/`# TYPE` lines,
 * then `name{label="value",…} number` samples. Throws on any line it cannot read, so a malformed
 * answer fails the test.
 */
function parseExposition(text: string) {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') types.set(meta[2] ?? '', meta[3] ?? '');
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a sample: ${line}`);
    const labels: Record<string, string> = {};
    const body = sample[2] ?? '';
    const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/gy;
    let read = 0;
    for (let match = pair.exec(body); match; match = pair.exec(body)) {
      labels[match[1] ?? ''] = (match[2] ?? '').replace(/\\(.)/g, (_, escaped) => (escaped === 'n' ? '\n' : escaped));
      read = pair.lastIndex;
    }
    if (read !== body.length) throw new Error(`unreadable labels: ${line}`);
    // Go's ParseFloat, which Prometheus reads values with, takes NaN and Inf in any case.
    const raw = sample[3] ?? '';
    const value = /^nan$/i.test(raw)
      ? Number.NaN
      : /^[+-]?inf$/i.test(raw)
        ? Number(`${raw[0] === '-' ? '-' : ''}Infinity`)
        : Number(raw);
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) throw new Error(`not a number: ${line}`);
    samples.push({ name: sample[1] ?? '', labels, value });
  }
  return { types, samples };
}

type Exposition = ReturnType<typeof parseExposition>;

/** The sum of the samples of `name` whose labels include `labels`. */
const total = (exposition: Exposition, name: string, labels: Record<string, string> = {}) =>
  exposition.samples
    .filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);

describe('off by default', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(async () => {
    await test?.close();
  });

  it('answers 404 not_found, like any unknown route, even with a bearer token', async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }]) {
      const response = await anonymous(test.app).request({ method: 'GET', url: '/metrics', headers });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
  });
});

describe('WEBOX_METRICS_TOKEN', () => {
  it.each([
    ['too short', 'abc123'],
    ['fifteen characters', 'a'.repeat(15)],
    ['with a space', 'metrics token 0123456789'],
    ['not ASCII', 'métrique-0123456789abcdef'],
  ])('refuses a token %s, naming the setting and not the value', (_, value) => {
    let message = '';
    try {
      parseConfig({ WEBOX_METRICS_TOKEN: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('WEBOX_METRICS_TOKEN');
    expect(message).not.toContain(value);
  });

  it('reads a long enough token, and none when unset or blank', () => {
    expect(parseConfig({ WEBOX_METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(parseConfig({}).metricsToken).toBeNull();
    expect(parseConfig({ WEBOX_METRICS_TOKEN: '  ' }).metricsToken).toBeNull();
  });

  it('is never logged, even when the whole configuration is', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino(loggerOptions('info') as LoggerOptions, stream);
    logger.info({ config: parseConfig({ WEBOX_METRICS_TOKEN: TOKEN }) }, 'configuration');
    expect(lines.join('')).toContain('metricsToken');
    expect(lines.join('')).not.toContain(TOKEN);
  });
});

describe('the status label', () => {
  it('is the HTTP status, or stream_error for a failure after the first byte', () => {
    expect(statusLabel({ status: 200 }, true)).toBe('200');
    expect(statusLabel({ status: 502, errorCode: 'provider_error' }, false)).toBe('502');
    expect(statusLabel({ status: 502, errorCode: 'provider_error' }, true)).toBe('stream_error');
    expect(statusLabel({ status: 499, errorCode: 'client_closed' }, true)).toBe('499');
    expect(statusLabel({ status: Number.NaN }, false)).toBe('500');
  });
});

describe('with a token', () => {
  let fakes: FakeUpstreams;
  let test: TestApp;
  let admin: Client;
  let user: Client;
  let userToken: string;
  let other: Client;
  let otherToken: string;
  /** The other user's personal OpenAI key, which the fake upstream rejects. */
  const canaryKey = makeKey.openai();
  const secrets: string[] = [];

  const scrape = (authorization?: string) =>
    anonymous(test.app).request({
      method: 'GET',
      url: '/metrics',
      headers: authorization === undefined ? {} : { authorization },
    });

  async function read() {
    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.statusCode).toBe(200);
    return { text: response.body, exposition: parseExposition(response.body) };
  }

  const gateway = (token: string, body: Record<string, unknown>) =>
    test.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${token}` },
      payload: body,
    });

  async function tokenOf(client: Client) {
    const response = await client.post('/api/tokens', { name: 'metrics' });
    expect(response.statusCode).toBe(201);
    return response.json().token as string;
  }

  beforeAll(async () => {
    fakes = await startFakeUpstreams();
    test = await createTestApp({ ...fakes.env, WEBOX_METRICS_TOKEN: TOKEN });
    admin = await signUp(test.app);
    user = await signUp(test.app);
    other = await signUp(test.app);
    secrets.push(...Object.values(await saveEveryKey(admin, 'global')));
    userToken = await tokenOf(user);
    otherToken = await tokenOf(other);
    secrets.push(userToken, otherToken, canaryKey);
    expect((await other.put('/api/keys/openai', { apiKey: canaryKey })).statusCode).toBe(200);
  });

  beforeEach(() => fakes.reset());

  afterAll(async () => {
    await test?.close();
    await fakes?.close();
  });

  it('refuses a scrape without the token, or with another, as unauthenticated', async () => {
    for (const authorization of [
      undefined,
      '',
      'Bearer',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString('base64')}`,
      TOKEN,
      `Bearer ${userToken}`,
    ]) {
      const response = await scrape(authorization);
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.body).not.toContain(TOKEN);
    }
  });

  it("answers the right token with the text format, the process's own metrics included", async () => {
    const response = await scrape(`bearer   ${TOKEN}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers['cache-control']).toBe('no-store');
    const { types, samples } = parseExposition(response.body);
    expect(samples.length).toBeGreaterThan(20);
    expect(types.get('webox_requests_total')).toBe('counter');
    expect(types.get('webox_request_duration_seconds')).toBe('histogram');
    expect(types.get('webox_time_to_first_byte_seconds')).toBe('histogram');
    expect(types.get('webox_upstream_errors_total')).toBe('counter');
    expect(types.get('webox_ledger_queue_depth')).toBe('gauge');
    expect(types.get('webox_ledger_batch_duration_seconds')).toBe('histogram');
    expect(types.get('webox_ledger_rows_failed_total')).toBe('counter');
    expect(types.get('webox_quota_holds_in_flight')).toBe('gauge');
    expect(types.get('webox_alert_deliveries_total')).toBe('counter');
    expect(samples.some((sample) => sample.name === 'webox_process_resident_memory_bytes' && sample.value > 0)).toBe(
      true,
    );
    expect(samples.some((sample) => sample.name === 'webox_nodejs_eventloop_lag_seconds')).toBe(true);
    // The gauges read their figures at the scrape.
    expect(samples.find((sample) => sample.name === 'webox_ledger_queue_depth')?.value).toBeGreaterThanOrEqual(0);
  });

  it('counts model calls by surface, provider, key source and status, with their times', async () => {
    const before = (await read()).exposition;
    const answered = await gateway(userToken, {
      model: gatewayModels.openai,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(answered.statusCode).toBe(200);
    const streamed = await gateway(userToken, {
      model: gatewayModels.anthropic,
      stream: true,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(streamed.statusCode).toBe(200);
    const chat = await user.post('/api/chat', {
      provider: 'mistral',
      model: testModels.mistral,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(chat.statusCode).toBe(200);
    await test.app.metering.ledger.flush();

    const after = (await read()).exposition;
    const moved = (name: string, labels: Record<string, string>) =>
      total(after, name, labels) - total(before, name, labels);
    expect(
      moved('webox_requests_total', { surface: 'gateway', provider: 'openai', key_source: 'global', status: '200' }),
    ).toBe(1);
    expect(
      moved('webox_requests_total', { surface: 'gateway', provider: 'anthropic', key_source: 'global', status: '200' }),
    ).toBe(1);
    expect(
      moved('webox_requests_total', { surface: 'chat', provider: 'mistral', key_source: 'global', status: '200' }),
    ).toBe(1);
    for (const [surface, provider] of [
      ['gateway', 'openai'],
      ['gateway', 'anthropic'],
      ['chat', 'mistral'],
    ] as const) {
      expect(moved('webox_request_duration_seconds_count', { surface, provider }), `${surface} ${provider}`).toBe(1);
      expect(moved('webox_time_to_first_byte_seconds_count', { surface, provider }), `${surface} ${provider}`).toBe(1);
      expect(
        moved('webox_request_duration_seconds_bucket', { surface, provider, le: '+Inf' }),
        `${surface} ${provider}`,
      ).toBe(1);
    }
    // The ledger wrote the rows, in batches it timed.
    expect(moved('webox_ledger_batch_duration_seconds_count', {})).toBeGreaterThan(0);
    expect(total(after, 'webox_ledger_queue_depth')).toBe(0);
  });

  it('counts a key the provider rejects as an upstream error and a 502', async () => {
    fakes.byProvider.openai.rejectKeys.add(canaryKey);
    const before = (await read()).exposition;
    const refused = await gateway(otherToken, {
      model: gatewayModels.openai,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.code).toBe('provider_rejected_key');
    const { exposition: after } = await read();
    const moved = (name: string, labels: Record<string, string>) =>
      total(after, name, labels) - total(before, name, labels);
    expect(moved('webox_upstream_errors_total', { provider: 'openai', code: 'provider_rejected_key' })).toBe(1);
    expect(
      moved('webox_requests_total', { surface: 'gateway', provider: 'openai', key_source: 'personal', status: '502' }),
    ).toBe(1);
    // No first byte of an answer reached the client.
    expect(moved('webox_time_to_first_byte_seconds_count', { surface: 'gateway', provider: 'openai' })).toBe(0);
    expect(moved('webox_request_duration_seconds_count', { surface: 'gateway', provider: 'openai' })).toBe(1);
  });

  it('counts an answer that fails after its first byte as stream_error', async () => {
    // /v1's pass-through cut mid-stream, and the web chat's stream ending in the provider's error.
    fakes.byProvider.groq.setBehavior({ kind: 'cut' }, { times: 1 });
    fakes.byProvider.mistral.setBehavior({ kind: 'stream_error', message: 'overloaded' }, { times: 1 });
    const before = (await read()).exposition;
    const cut = await gateway(userToken, {
      model: gatewayModels.groq,
      stream: true,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(cut.statusCode).toBe(200);
    expect(cut.body).toContain('provider_error');
    const chat = await user.post('/api/chat', {
      provider: 'mistral',
      model: testModels.mistral,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(chat.statusCode).toBe(200);
    expect(chat.body).toContain('"type":"error"');
    const { exposition: after } = await read();
    const moved = (name: string, labels: Record<string, string>) =>
      total(after, name, labels) - total(before, name, labels);
    expect(moved('webox_requests_total', { surface: 'gateway', provider: 'groq', status: 'stream_error' })).toBe(1);
    expect(moved('webox_requests_total', { surface: 'chat', provider: 'mistral', status: 'stream_error' })).toBe(1);
    expect(moved('webox_requests_total', { provider: 'groq', status: '200' })).toBe(0);
    // The answers had begun: their first bytes were timed.
    expect(moved('webox_time_to_first_byte_seconds_count', { surface: 'gateway', provider: 'groq' })).toBe(1);
    expect(moved('webox_upstream_errors_total', { provider: 'groq', code: 'provider_error' })).toBe(1);
  });

  it('shows the budget holds this instance keeps while their calls run', async () => {
    const budgeted = await member(test);
    secrets.push(budgeted.token);
    expect((await setLimits(admin, budgeted.id, { global: { ...NO_LIMITS, dayTokens: 10_000_000 } })).statusCode).toBe(
      200,
    );
    const holds = async () => total((await read()).exposition, 'webox_quota_holds_in_flight');
    const idle = await holds();
    fakes.byProvider.openai.setBehavior({ kind: 'slow', delayMs: 1_500 }, { times: 1 });
    const running = gateway(budgeted.token, {
      model: gatewayModels.openai,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    // The hold is taken before the provider is called: wait for the fake to see the request.
    await vi.waitFor(() => expect(fakes.byProvider.openai.requests.length).toBeGreaterThan(0), { timeout: 5_000 });
    expect(await holds()).toBe(idle + 1);
    expect((await running).statusCode).toBe(200);
  });

  it('holds no label a client chose: no model id, user, e-mail, token or key', async () => {
    for (const model of ['openai/<script>alert(1)</script>', '<script>evil</script>/gpt-4o-mini']) {
      const response = await gateway(userToken, { model, messages: [{ role: 'user', content: 'Hi' }] });
      expect(response.statusCode, model).toBe(400);
    }
    // A well-formed id the catalogue does not know goes upstream (the fake answers it): still no label.
    await gateway(userToken, { model: `openai/${canaryKey}`, messages: [{ role: 'user', content: 'Hi' }] });
    const chat = await user.post('/api/chat', {
      provider: '<script>chat</script>',
      model: 'x',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(chat.statusCode).toBe(400);
    await test.app.metering.ledger.flush();

    const { text, exposition } = await read();
    // The refusals were counted, under labels WeBox owns: a provider the registry does not know
    // (and an id refused before its provider was read) is `unknown`.
    expect(
      total(exposition, 'webox_requests_total', {
        surface: 'gateway',
        provider: 'unknown',
        key_source: 'none',
        status: '400',
      }),
    ).toBe(2);
    expect(
      total(exposition, 'webox_requests_total', { surface: 'chat', provider: 'unknown', key_source: 'none' }),
    ).toBe(1);
    expect(text).not.toContain('<script');
    expect(text).not.toContain('alert(1)');
    expect(text).not.toContain('evil');
    expect(text).not.toContain('gpt-4o-mini');
    for (const model of Object.values(testModels)) expect(text).not.toContain(model);
    for (const client of [admin, user, other]) expect(text).not.toContain(client.email);
    const ids = (await admin.get('/api/admin/users')).json().users as Array<{ id: string }>;
    expect(ids.length).toBeGreaterThanOrEqual(3);
    for (const { id } of ids) expect(text).not.toContain(id);
    for (const secret of [...secrets, TOKEN]) {
      for (const encoded of Object.values(keyEncodings(secret))) expect(text).not.toContain(encoded);
    }
    // Every label value is from a closed set.
    const allowed: Record<string, (value: string) => boolean> = {
      surface: (value) => ['chat', 'gateway'].includes(value),
      provider: (value) => ['openai', 'anthropic', 'google', 'mistral', 'groq', 'unknown'].includes(value),
      key_source: (value) => ['personal', 'global', 'none'].includes(value),
      status: (value) => /^[1-5]\d\d$/.test(value) || value === 'stream_error',
      code: (value) => /^provider_[a-z_]+$/.test(value),
    };
    for (const sample of exposition.samples.filter((candidate) => candidate.name.startsWith('webox_requests_'))) {
      for (const [label, value] of Object.entries(sample.labels)) {
        expect(allowed[label]?.(value), `${label}="${value}"`).toBe(true);
      }
    }
  });
});
