// Shared plumbing of the fake upstreams: one node:http server per provider
// wire format. This file knows nothing about any wire format; it records
// requests, checks keys, applies the behaviour a test asked for (errors,
// slowness, cut connections) and writes the answer a ProviderWire built.

import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderId } from '../../src/server/providers/registry.ts';
import { defaultReplyFor } from './reply-text.ts';

/** Every provider of WeBox's registry has a fake: index.ts's wires are keyed by this. */
export type FakeProviderId = ProviderId;

export interface RecordedRequest {
  provider: FakeProviderId;
  method: string;
  /** Full path as received (base path included, e.g. `/v1/chat/completions`), without the query. */
  path: string;
  /**
   * The request target exactly as it came on the wire (path and query, nothing decoded or
   * normalised): what proves a request reached one endpoint and no other.
   */
  target: string;
  query: Record<string, string>;
  /**
   * The key as the provider reads it: Bearer token for openai/mistral/groq,
   * `x-api-key` for anthropic, `x-goog-api-key` header or `?key=` for google.
   */
  apiKey: string | null;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or null when there was none or it was not JSON. */
  body: unknown;
  at: number;
}

export type FakeBehavior =
  | { kind: 'ok' }
  /** 401 in the provider's real error body format. */
  | { kind: 'unauthorized' }
  /** 403 in the provider's real error body format. */
  | { kind: 'forbidden' }
  /** 429 with a `Retry-After` header (default 1 second). */
  | { kind: 'rate_limited'; retryAfterSeconds?: number }
  /** 400 in the provider's error format, carrying `message` when given. */
  | { kind: 'bad_request'; message?: string }
  /** 500 in the provider's error format. */
  | { kind: 'server_error' }
  /** Any status, in the provider's error format, carrying `message`, with Retry-After: 0 (a retry comes at once). */
  | { kind: 'error'; status: number; message: string }
  /**
   * Streams: a few deltas, then the provider's own in-stream error event carrying `message`, then
   * the end of the stream. Non-streamed requests: a 500 carrying `message`. `rateLimited`: the
   * event says the provider is rate limiting (where its wire has such an event: Anthropic's
   * rate_limit_error).
   */
  | { kind: 'stream_error'; message: string; rateLimited?: boolean }
  /** Waits `delayMs` before the first byte (headers included), then answers ok. */
  | { kind: 'slow'; delayMs: number }
  /**
   * Streams: a few deltas, then the socket is destroyed (no finish, no usage,
   * no `[DONE]`). Non-streamed requests: the socket is destroyed before any byte.
   */
  | { kind: 'cut' };

export interface FakeUpstream {
  provider: FakeProviderId;
  /** Use as the AI SDK's `baseURL` (version path included). */
  baseUrl: string;
  /** Every request received, rejected ones and unknown paths included, oldest first. */
  requests: RecordedRequest[];
  /**
   * Applies `b` to the next `opts.times` requests that pass the key check
   * (chat and list-models alike), then reverts to ok. Without `times` it stays
   * until the next `setBehavior` or `reset`.
   */
  setBehavior(b: FakeBehavior, opts?: { times?: number }): void;
  /** Any request carrying one of these keys gets the provider's 401. */
  rejectKeys: Set<string>;
  /** The text every following chat answer replies with. */
  setReply(text: string): void;
  /** Forgets requests, behaviour, rejected keys and the reply. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  /** Keep a RecordedRequest per request (default true; the benchmark turns it off). */
  record?: boolean;
}

/** The error situations every provider must be able to express in its own format. */
export type ErrorKind =
  | 'missing_key'
  | 'invalid_key'
  | 'forbidden'
  | 'rate_limited'
  | 'bad_request'
  | 'server_error'
  | 'not_found';

export interface ErrorDetail {
  method: string;
  path: string;
  message?: string;
  retryAfterSeconds?: number;
}

export interface WireError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What a route answers; the plumbing turns it into bytes (and cuts it when asked). */
export type Answer =
  | { type: 'json'; body: unknown; headers?: Record<string, string> }
  /** The request is invalid for this route (e.g. no model): answered with wire.error(kind). */
  | { type: 'error'; kind: ErrorKind; message?: string }
  | {
      type: 'stream';
      contentType: string;
      /** Already encoded frames (SSE events, or pieces of a JSON array), written one by one. */
      frames: string[];
      /** With the `cut` behaviour, only frames[0..cutAfter) are written before the socket dies. */
      cutAfter: number;
      headers?: Record<string, string>;
    };

export interface RouteContext {
  body: Record<string, unknown>;
  query: Record<string, string>;
  /** Named groups of the route's pattern (e.g. Gemini's model id). */
  params: Record<string, string>;
  reply: string;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Matched against the path relative to the wire's base path. */
  pattern: RegExp;
  handle(ctx: RouteContext): Answer;
}

/** Everything that differs between providers. */
export interface ProviderWire {
  provider: FakeProviderId;
  /** Version prefix of every route, as in the real base URL (`/v1`, `/v1beta`, `/openai/v1`). */
  basePath: string;
  readApiKey(headers: IncomingHttpHeaders, query: Record<string, string>): string | null;
  error(kind: ErrorKind, detail: ErrorDetail): WireError;
  /** Provider-specific header requirements (Anthropic's `anthropic-version`), checked after the key. */
  checkHeaders?(headers: IncomingHttpHeaders, detail: ErrorDetail): WireError | null;
  /** The provider's in-stream error event carrying `message`, framed like its stream. */
  streamError(message: string, query: Record<string, string>, rateLimited?: boolean): string;
  routes: Route[];
}

// ---------------------------------------------------------------------------
// Small helpers for the wire modules.

/** Random id suffix in the style providers use (`chatcmpl-…`, `msg_…`). */
export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('hex');
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** One `data:` SSE frame (OpenAI, Mistral, Groq, Gemini). */
export function sseData(data: unknown, lineEnd = '\n'): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return `data: ${text}${lineEnd}${lineEnd}`;
}

/** One named SSE event (Anthropic, OpenAI Responses). */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return match?.[1]?.trim() || null;
}

/** A single header value (first one when repeated), empty values as null. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || null;
}

// ---------------------------------------------------------------------------

const OK: FakeBehavior = { kind: 'ok' };

export async function startFakeServer(wire: ProviderWire, options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const record = options.record ?? true;
  const requests: RecordedRequest[] = [];
  const rejectKeys = new Set<string>();
  let reply = defaultReplyFor(wire.provider);
  let behavior: FakeBehavior = OK;
  let remaining = Number.POSITIVE_INFINITY;

  // Consumes one application of the current behaviour.
  const takeBehavior = (): FakeBehavior => {
    if (behavior.kind === 'ok') return OK;
    const current = behavior;
    remaining -= 1;
    if (remaining <= 0) behavior = OK;
    return current;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const body = parseJson(raw);
    const apiKey = wire.readApiKey(req.headers, query);
    const detail: ErrorDetail = { method, path: url.pathname };

    if (record) {
      requests.push({
        provider: wire.provider,
        method,
        path: url.pathname,
        target: req.url ?? '',
        query,
        apiKey,
        headers: { ...req.headers },
        body,
        // Sub-millisecond epoch time, so requests to different fakes still sort in arrival order.
        at: performance.timeOrigin + performance.now(),
      });
    }

    const found = findRoute(wire, method, url.pathname);
    if (!found) return sendError(res, wire.error('not_found', detail));
    if (apiKey === null) return sendError(res, wire.error('missing_key', detail));
    if (rejectKeys.has(apiKey)) return sendError(res, wire.error('invalid_key', detail));
    const headerError = wire.checkHeaders?.(req.headers, detail);
    if (headerError) return sendError(res, headerError);
    if (method === 'POST' && (body === null || typeof body !== 'object' || Array.isArray(body))) {
      return sendError(
        res,
        wire.error('bad_request', { ...detail, message: 'The request body is not a JSON object.' }),
      );
    }

    const applied = takeBehavior();
    switch (applied.kind) {
      case 'unauthorized':
        return sendError(res, wire.error('invalid_key', detail));
      case 'forbidden':
        return sendError(res, wire.error('forbidden', detail));
      case 'rate_limited': {
        const retryAfterSeconds = applied.retryAfterSeconds ?? 1;
        const error = wire.error('rate_limited', { ...detail, retryAfterSeconds });
        return sendError(res, { ...error, headers: { ...error.headers, 'retry-after': String(retryAfterSeconds) } });
      }
      case 'bad_request':
        return sendError(res, wire.error('bad_request', { ...detail, message: applied.message }));
      case 'server_error':
        return sendError(res, wire.error('server_error', detail));
      case 'error': {
        const error = withStatus(wire.error('bad_request', { ...detail, message: applied.message }), applied.status);
        return sendError(res, { ...error, headers: { 'retry-after': '0' } });
      }
      case 'slow':
        // Nothing is written while waiting, so a client's first-byte timeout fires.
        await waitUnlessClosed(res, applied.delayMs);
        if (res.destroyed || req.socket.destroyed) return;
        break;
      case 'cut':
      case 'stream_error':
      case 'ok':
        break;
    }

    const answer = found.route.handle({
      body: (body ?? {}) as Record<string, unknown>,
      query,
      params: found.params,
      reply,
    });
    const cut = applied.kind === 'cut';
    const streamError = applied.kind === 'stream_error' ? applied.message : null;

    if (answer.type !== 'stream') {
      if (cut) {
        req.socket.destroy();
        return;
      }
      if (streamError !== null) {
        const error = withStatus(wire.error('bad_request', { ...detail, message: streamError }), 500);
        return sendError(res, { ...error, headers: { 'retry-after': '0' } });
      }
      if (answer.type === 'error')
        return sendError(res, wire.error(answer.kind, { ...detail, message: answer.message }));
      return sendJson(res, 200, answer.body, answer.headers);
    }

    res.writeHead(200, {
      'content-type': answer.contentType,
      'cache-control': 'no-cache',
      ...requestIdHeaders(),
      ...answer.headers,
    });
    res.flushHeaders();
    for (let i = 0; i < answer.frames.length; i++) {
      if (res.destroyed || req.socket.destroyed) return;
      if (streamError !== null && i === answer.cutAfter) {
        await write(res, wire.streamError(streamError, query, applied.kind === 'stream_error' && applied.rateLimited));
        break;
      }
      if (cut && i === answer.cutAfter) {
        // Everything written so far has reached the kernel (we awaited each
        // write), so the client receives those deltas, then a dead connection.
        req.socket.destroy();
        return;
      }
      await write(res, answer.frames[i] ?? '');
      // Yield between frames so each delta leaves as its own chunk, as a real
      // upstream's do: lets gateway tests observe incremental streaming.
      await new Promise((resolve) => setImmediate(resolve));
    }
    res.end();
  };

  const server = createServer((req, res) => {
    res.on('error', () => {}); // a client that hangs up mid-stream is not a test failure here
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      sendError(res, wire.error('server_error', { method: req.method ?? 'GET', path: req.url ?? '/', message }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    provider: wire.provider,
    baseUrl: `http://127.0.0.1:${port}${wire.basePath}`,
    requests,
    rejectKeys,
    setBehavior(b, opts) {
      behavior = b;
      remaining = opts?.times ?? Number.POSITIVE_INFINITY;
      if (remaining <= 0) behavior = OK;
    },
    setReply(text) {
      reply = text;
    },
    reset() {
      // Cleared in place: tests may hold references to these collections.
      requests.length = 0;
      rejectKeys.clear();
      reply = defaultReplyFor(wire.provider);
      behavior = OK;
      remaining = Number.POSITIVE_INFINITY;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        // Idempotent: a second close (e.g. from two afterAll hooks) is not an error.
        server.close((error) =>
          error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(error) : resolve(),
        );
        // Keep-alive sockets (the SDK's fetch pools them) would hold close() open.
        server.closeAllConnections();
      });
    },
  };
}

function findRoute(
  wire: ProviderWire,
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | null {
  if (!path.startsWith(`${wire.basePath}/`)) return null;
  const relative = path.slice(wire.basePath.length);
  for (const route of wire.routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(relative);
    if (match) return { route, params: { ...match.groups } };
  }
  return null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

function requestIdHeaders(): Record<string, string> {
  return { 'x-request-id': `req_${randomId()}` };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...requestIdHeaders(),
    ...headers,
  });
  res.end(text);
}

/** A provider error body answered with another status (the body's own code follows, where it has one). */
function withStatus(error: WireError, status: number): WireError {
  const body = error.body as { error?: { code?: unknown } } | null;
  if (typeof body?.error?.code === 'number') body.error.code = status;
  return { ...error, status };
}

function sendError(res: ServerResponse, error: WireError): void {
  sendJson(res, error.status, error.body, error.headers);
}

function write(res: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    res.write(chunk, () => resolve());
  });
}

/** Sleeps `ms`, returning early when the client goes away. */
function waitUnlessClosed(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}
