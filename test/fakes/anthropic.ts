// Fake Anthropic Messages API (`POST /v1/messages`, `GET /v1/models`).
//
// Keys travel in `x-api-key` (@ai-sdk/anthropic's `authToken` option sends
// `Authorization: Bearer` instead, which is accepted too). Like the real API,
// every request must carry `anthropic-version` (the SDK sends 2023-06-01).
// A stream reports input tokens in `message_start` and output tokens in
// `message_delta`; the SDK only emits its finish (and usage) on
// `message_stop`, so a cut stream ends without usage. The reply stops at `max_tokens` (stop_reason
// "max_tokens"), as the real API's does.

import type { Answer, ErrorDetail, ErrorKind, ProviderWire, RouteContext, WireError } from './fake-server.ts';
import { bearerToken, headerValue, randomId, sseEvent } from './fake-server.ts';
import { countInputTokens, deltasBeforeCut, outputTokensFor, replyWithin, splitIntoDeltas } from './reply-text.ts';

function messages(ctx: RouteContext): Answer {
  const model = typeof ctx.body.model === 'string' && ctx.body.model !== '' ? ctx.body.model : null;
  if (model === null) return { type: 'error', kind: 'bad_request', message: 'model: Field required' };
  if (!Array.isArray(ctx.body.messages))
    return { type: 'error', kind: 'bad_request', message: 'messages: Field required' };

  const id = `msg_${randomId()}`;
  const inputTokens = countInputTokens(ctx.body.system, ctx.body.messages);
  const written = replyWithin(ctx.reply, ctx.body.max_tokens);
  const reply = written.text;
  const stopReason = written.cut ? 'max_tokens' : 'end_turn';
  const outputTokens = outputTokensFor(reply);
  const cacheCounts = { cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

  if (ctx.body.stream !== true) {
    return {
      type: 'json',
      body: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: reply }],
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { input_tokens: inputTokens, ...cacheCounts, output_tokens: outputTokens, service_tier: 'standard' },
      },
    };
  }

  const deltas = splitIntoDeltas(reply);
  const frames = [
    sseEvent('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // The real API reports a provisional output count of 1 here.
        usage: { input_tokens: inputTokens, ...cacheCounts, output_tokens: 1, service_tier: 'standard' },
      },
    }),
    sseEvent('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
    sseEvent('ping', { type: 'ping' }),
  ];
  const beforeDeltas = frames.length;
  for (const text of deltas) {
    frames.push(
      sseEvent('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
    );
  }
  frames.push(
    sseEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { input_tokens: inputTokens, ...cacheCounts, output_tokens: outputTokens },
    }),
    sseEvent('message_stop', { type: 'message_stop' }),
  );
  return {
    type: 'stream',
    contentType: 'text/event-stream; charset=utf-8',
    frames,
    cutAfter: beforeDeltas + deltasBeforeCut(deltas.length),
  };
}

const MODELS = [
  ['claude-opus-4-1-20250805', 'Claude Opus 4.1', '2025-08-05T00:00:00Z'],
  ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z'],
  ['claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-01T00:00:00Z'],
  ['claude-3-5-haiku-20241022', 'Claude Haiku 3.5', '2024-10-22T00:00:00Z'],
] as const;

function models(): Answer {
  const data = MODELS.map(([id, displayName, createdAt]) => ({
    type: 'model',
    id,
    display_name: displayName,
    created_at: createdAt,
  }));
  return {
    type: 'json',
    body: { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null },
  };
}

function anthropicError(kind: ErrorKind, detail: ErrorDetail): WireError {
  const error = (status: number, type: string, message: string): WireError => ({
    status,
    body: { type: 'error', error: { type, message }, request_id: `req_${randomId()}` },
  });
  switch (kind) {
    case 'missing_key':
      return error(401, 'authentication_error', 'x-api-key header is required');
    case 'invalid_key':
      return error(401, 'authentication_error', 'invalid x-api-key');
    case 'forbidden':
      return error(403, 'permission_error', 'Your API key does not have permission to use the specified resource.');
    case 'rate_limited':
      return {
        ...error(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'),
        headers: { 'anthropic-ratelimit-requests-remaining': '0' },
      };
    case 'bad_request':
      return error(400, 'invalid_request_error', detail.message ?? 'Invalid request.');
    case 'server_error':
      return error(500, 'api_error', 'Internal server error');
    case 'not_found':
      return error(404, 'not_found_error', `Not found: ${detail.method} ${detail.path}`);
  }
}

export function anthropicWire(): ProviderWire {
  return {
    provider: 'anthropic',
    basePath: '/v1',
    readApiKey: (headers) => headerValue(headers, 'x-api-key') ?? bearerToken(headers),
    error: anthropicError,
    streamError: (message, _query, rateLimited) =>
      sseEvent('error', { type: 'error', error: { type: rateLimited ? 'rate_limit_error' : 'api_error', message } }),
    checkHeaders(headers, detail) {
      if (headerValue(headers, 'anthropic-version') !== null) return null;
      return anthropicError('bad_request', { ...detail, message: 'anthropic-version: header is required' });
    },
    routes: [
      { method: 'POST', pattern: /^\/messages$/, handle: messages },
      { method: 'GET', pattern: /^\/models$/, handle: models },
    ],
  };
}
