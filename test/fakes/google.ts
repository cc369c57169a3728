// Fake Gemini API (generativelanguage.googleapis.com/v1beta).
//
// @ai-sdk/google sends the key in the `x-goog-api-key` header; the REST API
// also takes `?key=`, accepted here too. Routes:
//   POST /models/{model}:generateContent
//   POST /models/{model}:streamGenerateContent?alt=sse  (SSE, `data:` only,
//        CRLF-separated like Google's; without alt=sse: a streamed JSON array)
//   GET  /models
// Usage (`usageMetadata`) is sent in the last stream chunk only, so a cut
// stream carries none. The reply stops at generationConfig.maxOutputTokens (finishReason
// MAX_TOKENS), as the real API's does. Note the real API answers an invalid key with 400
// INVALID_ARGUMENT (reason API_KEY_INVALID); the fake answers 401
// UNAUTHENTICATED so that every provider's rejected key looks alike to tests.

import type { Answer, ErrorDetail, ErrorKind, ProviderWire, RouteContext, WireError } from './fake-server.ts';
import { headerValue, randomId, sseData } from './fake-server.ts';
import { countInputTokens, deltasBeforeCut, outputTokensFor, replyWithin, splitIntoDeltas } from './reply-text.ts';

function usageMetadata(promptTokens: number, candidatesTokens: number): Record<string, unknown> {
  return {
    promptTokenCount: promptTokens,
    candidatesTokenCount: candidatesTokens,
    totalTokenCount: promptTokens + candidatesTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
  };
}

function generate(streaming: boolean) {
  return (ctx: RouteContext): Answer => {
    if (!Array.isArray(ctx.body.contents)) {
      return {
        type: 'error',
        kind: 'bad_request',
        message: '* GenerateContentRequest.contents: contents is not specified',
      };
    }
    const model = ctx.params.model ?? '';
    const responseId = randomId(11);
    const promptTokens = countInputTokens(ctx.body.systemInstruction, ctx.body.contents);
    const generationConfig = (ctx.body.generationConfig ?? {}) as { maxOutputTokens?: unknown };
    const written = replyWithin(ctx.reply, generationConfig.maxOutputTokens);
    const reply = written.text;
    const candidatesTokens = outputTokensFor(reply);

    const chunk = (text: string, last: boolean) => ({
      candidates: [
        {
          content: { parts: [{ text }], role: 'model' },
          ...(last ? { finishReason: written.cut ? 'MAX_TOKENS' : 'STOP' } : {}),
          index: 0,
        },
      ],
      ...(last ? { usageMetadata: usageMetadata(promptTokens, candidatesTokens) } : {}),
      modelVersion: model,
      responseId,
    });

    if (!streaming) return { type: 'json', body: chunk(reply, true) };

    const deltas = splitIntoDeltas(reply);
    const bodies = deltas.map((text, i) => chunk(text, i === deltas.length - 1));
    if (bodies.length === 0) bodies.push(chunk('', true));
    const cutAfter = deltasBeforeCut(deltas.length);

    if (ctx.query.alt === 'sse') {
      return {
        type: 'stream',
        contentType: 'text/event-stream',
        frames: bodies.map((body) => sseData(body, '\r\n')),
        cutAfter,
      };
    }
    // Without alt=sse Gemini streams one JSON array, element by element.
    const frames = bodies.map((body, i) => `${i === 0 ? '[' : ',\r\n'}${JSON.stringify(body)}`);
    frames.push(']');
    return { type: 'stream', contentType: 'application/json; charset=UTF-8', frames, cutAfter };
  };
}

const MODELS = [
  ['gemini-2.5-pro', 'Gemini 2.5 Pro', 1_048_576, 65_536],
  ['gemini-2.5-flash', 'Gemini 2.5 Flash', 1_048_576, 65_536],
  ['gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', 1_048_576, 65_536],
  ['gemini-2.0-flash', 'Gemini 2.0 Flash', 1_048_576, 8_192],
] as const;

function models(): Answer {
  return {
    type: 'json',
    body: {
      models: MODELS.map(([id, displayName, inputLimit, outputLimit]) => ({
        name: `models/${id}`,
        version: '001',
        displayName,
        description: `Fake ${displayName}`,
        inputTokenLimit: inputLimit,
        outputTokenLimit: outputLimit,
        supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
        temperature: 1,
        topP: 0.95,
        topK: 64,
        maxTemperature: 2,
        thinking: id.startsWith('gemini-2.5'),
      })),
    },
  };
}

function googleError(kind: ErrorKind, detail: ErrorDetail): WireError {
  const error = (code: number, status: string, message: string, details?: unknown[]): WireError => ({
    status: code,
    body: { error: { code, message, status, ...(details ? { details } : {}) } },
  });
  const errorInfo = (reason: string) => ({
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain: 'googleapis.com',
    metadata: { service: 'generativelanguage.googleapis.com' },
  });
  switch (kind) {
    case 'missing_key':
      return error(
        401,
        'UNAUTHENTICATED',
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        [errorInfo('CREDENTIALS_MISSING')],
      );
    case 'invalid_key':
      return error(401, 'UNAUTHENTICATED', 'API key not valid. Please pass a valid API key.', [
        errorInfo('API_KEY_INVALID'),
      ]);
    case 'forbidden':
      return error(403, 'PERMISSION_DENIED', 'The caller does not have permission', [errorInfo('PERMISSION_DENIED')]);
    case 'rate_limited':
      // Google says when to retry in a RetryInfo detail; the Retry-After header is added by the plumbing.
      return error(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${detail.retryAfterSeconds ?? 1}s` },
      ]);
    case 'bad_request':
      return error(400, 'INVALID_ARGUMENT', detail.message ?? 'Request contains an invalid argument.');
    case 'server_error':
      return error(
        500,
        'INTERNAL',
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      );
    case 'not_found':
      return error(404, 'NOT_FOUND', `Method not found: ${detail.method} ${detail.path}`);
  }
}

export function googleWire(): ProviderWire {
  return {
    provider: 'google',
    basePath: '/v1beta',
    readApiKey: (headers, query) => headerValue(headers, 'x-goog-api-key') ?? (query.key?.trim() || null),
    error: googleError,
    streamError(message, query) {
      const body = { error: { code: 500, message, status: 'INTERNAL' } };
      return query.alt === 'sse' ? sseData(body, '\r\n') : `,\r\n${JSON.stringify(body)}]`;
    },
    routes: [
      { method: 'POST', pattern: /^\/models\/(?<model>[^/:]+):generateContent$/, handle: generate(false) },
      { method: 'POST', pattern: /^\/models\/(?<model>[^/:]+):streamGenerateContent$/, handle: generate(true) },
      { method: 'GET', pattern: /^\/models$/, handle: models },
    ],
  };
}
