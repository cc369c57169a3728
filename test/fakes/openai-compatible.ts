// Fakes for the three OpenAI-compatible upstreams: OpenAI itself (Chat
// Completions and the Responses API), Mistral and Groq. They share the chat
// completion shape but differ where it matters to a gateway reading usage:
//
//   openai   streamed usage only when `stream_options.include_usage` is true,
//            in a last chunk with `choices: []`, then `data: [DONE]`.
//   mistral  always streams usage, in the chunk carrying the last content
//            delta and `finish_reason` (@ai-sdk/mistral reads `choices[0]` of
//            every chunk, so a `choices: []` chunk would break it).
//   groq     streams usage under `x_groq.usage` of the finish chunk (what
//            @ai-sdk/groq reads); with `include_usage` also a final
//            `choices: []` chunk with top-level `usage`, as Groq does.
//
// Each honours the output limit its real API reads (OpenAI and Groq: max_completion_tokens, else
// max_tokens; Mistral: max_tokens only), cutting the reply there with finish_reason "length", and
// writes `n` answers (OpenAI, Mistral; Groq refuses n > 1), billing each one's output.

import type { Answer, ErrorDetail, ErrorKind, ProviderWire, RouteContext, WireError } from './fake-server.ts';
import { bearerToken, nowSeconds, randomId, sseData, sseEvent } from './fake-server.ts';
import {
  choicesOf,
  countInputTokens,
  deltasBeforeCut,
  outputTokensFor,
  replyWithin,
  splitIntoDeltas,
} from './reply-text.ts';

type Flavor = 'openai' | 'mistral' | 'groq';

/** One answer being built: ids, text and the usage numbers every frame agrees on. */
interface Turn {
  id: string;
  created: number;
  model: string;
  reply: string;
  deltas: string[];
  inputTokens: number;
  /** Output tokens of one answer; usage bills them once per answer. */
  outputTokens: number;
  /** How many answers (`n`), each the same reply. */
  choices: number;
  finishReason: 'stop' | 'length';
}

function startTurn(
  id: string,
  model: string,
  reply: string,
  inputTokens: number,
  limits: { maxTokens?: unknown; choices?: number } = {},
): Turn {
  const written = replyWithin(reply, limits.maxTokens);
  return {
    id,
    created: nowSeconds(),
    model,
    reply: written.text,
    deltas: splitIntoDeltas(written.text),
    inputTokens,
    outputTokens: outputTokensFor(written.text),
    choices: limits.choices ?? 1,
    finishReason: written.cut ? 'length' : 'stop',
  };
}

function requestedModel(ctx: RouteContext): string | null {
  return typeof ctx.body.model === 'string' && ctx.body.model !== '' ? ctx.body.model : null;
}

const SYSTEM_FINGERPRINT = 'fp_fake0000';

// ---------------------------------------------------------------------------
// Chat Completions (all three flavors)

function chatUsage(flavor: Flavor, turn: Turn): Record<string, unknown> {
  const completionTokens = turn.outputTokens * turn.choices;
  const counts = {
    prompt_tokens: turn.inputTokens,
    completion_tokens: completionTokens,
    total_tokens: turn.inputTokens + completionTokens,
  };
  switch (flavor) {
    case 'openai':
      return {
        ...counts,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      };
    case 'groq':
      // Groq adds its timings (seconds) next to the counts.
      return {
        queue_time: 0.01,
        prompt_tokens: counts.prompt_tokens,
        prompt_time: 0.002,
        completion_tokens: counts.completion_tokens,
        completion_time: 0.02,
        total_tokens: counts.total_tokens,
        total_time: 0.022,
      };
    case 'mistral':
      return counts;
  }
}

function chatCompletionBody(flavor: Flavor, turn: Turn, groqRequestId: string): Record<string, unknown> {
  const head = { id: turn.id, object: 'chat.completion', created: turn.created, model: turn.model };
  const usage = chatUsage(flavor, turn);
  const choices = (choice: (index: number) => Record<string, unknown>) =>
    Array.from({ length: turn.choices }, (_, index) => choice(index));
  switch (flavor) {
    case 'openai':
      return {
        ...head,
        choices: choices((index) => ({
          index,
          message: { role: 'assistant', content: turn.reply, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: turn.finishReason,
        })),
        usage,
        service_tier: 'default',
        system_fingerprint: SYSTEM_FINGERPRINT,
      };
    case 'mistral':
      return {
        ...head,
        choices: choices((index) => ({
          index,
          message: { role: 'assistant', tool_calls: null, content: turn.reply },
          finish_reason: turn.finishReason,
        })),
        usage,
      };
    case 'groq':
      return {
        ...head,
        choices: choices((index) => ({
          index,
          message: { role: 'assistant', content: turn.reply },
          logprobs: null,
          finish_reason: turn.finishReason,
        })),
        usage,
        system_fingerprint: SYSTEM_FINGERPRINT,
        x_groq: { id: groqRequestId },
        service_tier: 'on_demand',
      };
  }
}

function chatStream(flavor: Flavor, turn: Turn, includeUsage: boolean, groqRequestId: string): Answer {
  const head = { id: turn.id, object: 'chat.completion.chunk', created: turn.created, model: turn.model };
  const chunk = (
    index: number,
    delta: Record<string, unknown>,
    finishReason: string | null,
    extra: Record<string, unknown> = {},
  ) => {
    const choice =
      flavor === 'mistral'
        ? { index, delta, finish_reason: finishReason }
        : { index, delta, logprobs: null, finish_reason: finishReason };
    const base: Record<string, unknown> = { ...head };
    if (flavor !== 'mistral') base.system_fingerprint = SYSTEM_FINGERPRINT;
    base.choices = [choice];
    // OpenAI announces the usage field on every chunk when it will send usage.
    if (flavor === 'openai' && includeUsage) base.usage = null;
    if (flavor === 'groq') base.x_groq = { id: groqRequestId };
    return sseData({ ...base, ...extra });
  };

  const frames: string[] = [];
  const opening: Record<string, unknown> = { role: 'assistant', content: '' };
  if (flavor === 'openai') opening.refusal = null;
  frames.push(chunk(0, opening, null));

  const usage = chatUsage(flavor, turn);
  const lastChoice = turn.choices - 1;
  for (let index = 0; index < turn.choices; index++) {
    if (flavor === 'mistral') {
      // Mistral: each answer's last content delta carries its finish_reason, the very last one the usage.
      const extra = index === lastChoice ? { usage } : {};
      const last = turn.deltas.length - 1;
      turn.deltas.forEach((delta, i) => {
        frames.push(
          i === last
            ? chunk(index, { content: delta }, turn.finishReason, extra)
            : chunk(index, { content: delta }, null),
        );
      });
      if (turn.deltas.length === 0) frames.push(chunk(index, { content: '' }, turn.finishReason, extra));
      continue;
    }
    for (const delta of turn.deltas) frames.push(chunk(index, { content: delta }, null));
    if (flavor === 'groq' && index === lastChoice) {
      frames.push(chunk(index, {}, turn.finishReason, { x_groq: { id: groqRequestId, usage } }));
    } else {
      frames.push(chunk(index, {}, turn.finishReason));
    }
  }
  if (flavor !== 'mistral' && includeUsage) {
    const usageChunk: Record<string, unknown> = { ...head, choices: [], usage };
    if (flavor === 'openai') usageChunk.system_fingerprint = SYSTEM_FINGERPRINT;
    if (flavor === 'groq') usageChunk.x_groq = { id: groqRequestId };
    frames.push(sseData(usageChunk));
  }
  frames.push(sseData('[DONE]'));

  return {
    type: 'stream',
    contentType: 'text/event-stream; charset=utf-8',
    frames,
    cutAfter: 1 + deltasBeforeCut(turn.deltas.length),
  };
}

function chatCompletions(flavor: Flavor) {
  return (ctx: RouteContext): Answer => {
    const model = requestedModel(ctx);
    if (model === null) return { type: 'error', kind: 'bad_request', message: 'you must provide a model parameter' };
    if (!Array.isArray(ctx.body.messages)) {
      return { type: 'error', kind: 'bad_request', message: "Missing required parameter: 'messages'." };
    }
    const choices = choicesOf(ctx.body.n);
    if (flavor === 'groq' && choices > 1) {
      return { type: 'error', kind: 'bad_request', message: "'n' : number must be at most 1" };
    }
    // The limit each real API reads: Mistral knows max_tokens only.
    const maxTokens =
      flavor === 'mistral' ? ctx.body.max_tokens : (ctx.body.max_completion_tokens ?? ctx.body.max_tokens);
    const id = flavor === 'mistral' ? randomId(16) : `chatcmpl-${randomId()}`;
    const turn = startTurn(id, model, ctx.reply, countInputTokens(ctx.body.messages), { maxTokens, choices });
    const groqRequestId = `req_${randomId()}`;
    if (ctx.body.stream === true) {
      const options = ctx.body.stream_options as { include_usage?: unknown } | undefined;
      return chatStream(flavor, turn, options?.include_usage === true, groqRequestId);
    }
    return { type: 'json', body: chatCompletionBody(flavor, turn, groqRequestId) };
  };
}

// ---------------------------------------------------------------------------
// OpenAI Responses API (what `openai(model)` calls)

function responseObject(turn: Turn, messageId: string, completed: boolean): Record<string, unknown> {
  const output = completed
    ? [
        {
          type: 'message',
          id: messageId,
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: turn.reply, annotations: [], logprobs: [] }],
        },
      ]
    : [];
  return {
    id: turn.id,
    object: 'response',
    created_at: turn.created,
    // An answer cut at max_output_tokens is "incomplete", and says why.
    status: !completed ? 'in_progress' : turn.finishReason === 'length' ? 'incomplete' : 'completed',
    error: null,
    incomplete_details: completed && turn.finishReason === 'length' ? { reason: 'max_output_tokens' } : null,
    instructions: null,
    max_output_tokens: null,
    model: turn.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: completed
      ? {
          input_tokens: turn.inputTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: turn.outputTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: turn.inputTokens + turn.outputTokens,
        }
      : null,
    user: null,
    metadata: {},
  };
}

function responsesStream(turn: Turn, messageId: string): Answer {
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    sseEvent(type, { type, sequence_number: sequence++, ...data });
  const at = { item_id: messageId, output_index: 0, content_index: 0 };
  const textPart = (text: string) => ({ type: 'output_text', annotations: [], logprobs: [], text });

  const frames = [
    event('response.created', { response: responseObject(turn, messageId, false) }),
    event('response.in_progress', { response: responseObject(turn, messageId, false) }),
    event('response.output_item.added', {
      output_index: 0,
      item: { id: messageId, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
    }),
    event('response.content_part.added', { ...at, part: textPart('') }),
  ];
  const beforeDeltas = frames.length;
  for (const delta of turn.deltas) frames.push(event('response.output_text.delta', { ...at, delta, logprobs: [] }));
  frames.push(
    event('response.output_text.done', { ...at, text: turn.reply, logprobs: [] }),
    event('response.content_part.done', { ...at, part: textPart(turn.reply) }),
    event('response.output_item.done', {
      output_index: 0,
      item: { id: messageId, type: 'message', status: 'completed', content: [textPart(turn.reply)], role: 'assistant' },
    }),
    event('response.completed', { response: responseObject(turn, messageId, true) }),
  );
  // The Responses API has no `[DONE]` sentinel: response.completed is the end.
  return {
    type: 'stream',
    contentType: 'text/event-stream; charset=utf-8',
    frames,
    cutAfter: beforeDeltas + deltasBeforeCut(turn.deltas.length),
  };
}

function responses(ctx: RouteContext): Answer {
  const model = requestedModel(ctx);
  if (model === null) return { type: 'error', kind: 'bad_request', message: "Missing required parameter: 'model'." };
  if (ctx.body.input === undefined)
    return { type: 'error', kind: 'bad_request', message: "Missing required parameter: 'input'." };
  const turn = startTurn(
    `resp_${randomId(24)}`,
    model,
    ctx.reply,
    countInputTokens(ctx.body.instructions, ctx.body.input),
    { maxTokens: ctx.body.max_output_tokens },
  );
  const messageId = `msg_${randomId(24)}`;
  if (ctx.body.stream === true) return responsesStream(turn, messageId);
  return { type: 'json', body: responseObject(turn, messageId, true) };
}

// ---------------------------------------------------------------------------
// Model lists

const CREATED = 1_715_367_049;

function openaiModels(): Answer {
  const ids = ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'o4-mini'];
  return {
    type: 'json',
    body: { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'system' })) },
  };
}

function mistralModels(): Answer {
  const models = [
    ['mistral-large-latest', 131_072],
    ['mistral-medium-latest', 131_072],
    ['mistral-small-latest', 131_072],
    ['codestral-latest', 256_000],
  ] as const;
  return {
    type: 'json',
    body: {
      object: 'list',
      data: models.map(([id, maxContext]) => ({
        id,
        object: 'model',
        created: CREATED,
        owned_by: 'mistralai',
        capabilities: {
          completion_chat: true,
          completion_fim: id.startsWith('codestral'),
          function_calling: true,
          fine_tuning: false,
          vision: false,
        },
        name: id,
        description: `Fake ${id}`,
        max_context_length: maxContext,
        aliases: [],
        deprecation: null,
        default_model_temperature: 0.3,
        type: 'base',
      })),
    },
  };
}

function groqModels(): Answer {
  const models = [
    ['llama-3.3-70b-versatile', 'Meta', 131_072, 32_768],
    ['llama-3.1-8b-instant', 'Meta', 131_072, 131_072],
    ['openai/gpt-oss-120b', 'OpenAI', 131_072, 65_536],
    ['openai/gpt-oss-20b', 'OpenAI', 131_072, 65_536],
  ] as const;
  return {
    type: 'json',
    body: {
      object: 'list',
      data: models.map(([id, ownedBy, contextWindow, maxCompletion]) => ({
        id,
        object: 'model',
        created: CREATED,
        owned_by: ownedBy,
        active: true,
        context_window: contextWindow,
        public_apps: null,
        max_completion_tokens: maxCompletion,
      })),
    },
  };
}

// ---------------------------------------------------------------------------
// Errors, each in its provider's body format

function openaiError(kind: ErrorKind, detail: ErrorDetail): WireError {
  const error = (status: number, message: string, type: string, code: string | null): WireError => ({
    status,
    body: { error: { message, type, param: null, code } },
  });
  switch (kind) {
    case 'missing_key':
      return error(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        'invalid_request_error',
        null,
      );
    case 'invalid_key':
      // The real message echoes a masked key; ours omits it so no test can mistake it for a leak.
      return error(
        401,
        'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        'invalid_api_key',
      );
    case 'forbidden':
      return error(403, 'Your project does not have access to this model.', 'invalid_request_error', 'model_not_found');
    case 'rate_limited':
      return {
        ...error(
          429,
          `Rate limit reached for requests. Please try again in ${detail.retryAfterSeconds ?? 1}s.`,
          'requests',
          'rate_limit_exceeded',
        ),
        headers: { 'x-ratelimit-limit-requests': '500', 'x-ratelimit-remaining-requests': '0' },
      };
    case 'bad_request':
      return error(400, detail.message ?? 'Invalid request.', 'invalid_request_error', null);
    case 'server_error':
      return error(
        500,
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
        null,
      );
    case 'not_found':
      return error(404, `Invalid URL (${detail.method} ${detail.path})`, 'invalid_request_error', null);
  }
}

function groqError(kind: ErrorKind, detail: ErrorDetail): WireError {
  const error = (status: number, message: string, type: string, code?: string): WireError => ({
    status,
    body: { error: { message, type, ...(code ? { code } : {}) } },
  });
  switch (kind) {
    case 'missing_key':
    case 'invalid_key':
      return error(401, 'Invalid API Key', 'invalid_request_error', 'invalid_api_key');
    case 'forbidden':
      return error(403, 'Forbidden', 'permissions_error', 'permission_denied');
    case 'rate_limited':
      return error(
        429,
        `Rate limit reached. Please try again in ${detail.retryAfterSeconds ?? 1}s.`,
        'requests',
        'rate_limit_exceeded',
      );
    case 'bad_request':
      return error(400, detail.message ?? 'Invalid request.', 'invalid_request_error');
    case 'server_error':
      return error(500, 'Internal Server Error', 'internal_server_error');
    case 'not_found':
      return error(
        404,
        `Unknown request URL: ${detail.method} ${detail.path}. Please check the URL for typos, or see the docs at https://console.groq.com/docs/`,
        'invalid_request_error',
        'unknown_url',
      );
  }
}

// Mistral's documented error body, which @ai-sdk/mistral parses.
function mistralError(kind: ErrorKind, detail: ErrorDetail): WireError {
  const error = (status: number, message: string, type: string, code: string | null = null): WireError => ({
    status,
    body: { object: 'error', message, type, param: null, code },
  });
  switch (kind) {
    case 'missing_key':
    case 'invalid_key':
      return error(401, 'Unauthorized', 'unauthorized');
    case 'forbidden':
      return error(403, 'Forbidden', 'forbidden');
    case 'rate_limited':
      return error(429, 'Requests rate limit exceeded', 'rate_limited');
    case 'bad_request':
      return error(400, detail.message ?? 'Invalid request', 'invalid_request_error');
    case 'server_error':
      return error(500, 'Internal server error', 'internal_server_error');
    case 'not_found':
      return error(404, 'Not Found', 'not_found');
  }
}

// ---------------------------------------------------------------------------

export function openaiWire(): ProviderWire {
  return {
    provider: 'openai',
    basePath: '/v1',
    readApiKey: (headers) => bearerToken(headers),
    error: openaiError,
    streamError: (message) => sseData({ error: { message, type: 'server_error', param: null, code: null } }),
    routes: [
      { method: 'POST', pattern: /^\/chat\/completions$/, handle: chatCompletions('openai') },
      { method: 'POST', pattern: /^\/responses$/, handle: responses },
      { method: 'GET', pattern: /^\/models$/, handle: openaiModels },
    ],
  };
}

export function mistralWire(): ProviderWire {
  return {
    provider: 'mistral',
    basePath: '/v1',
    readApiKey: (headers) => bearerToken(headers),
    error: mistralError,
    streamError: (message) =>
      sseData({ object: 'error', message, type: 'internal_server_error', param: null, code: null }),
    routes: [
      { method: 'POST', pattern: /^\/chat\/completions$/, handle: chatCompletions('mistral') },
      { method: 'GET', pattern: /^\/models$/, handle: mistralModels },
    ],
  };
}

export function groqWire(): ProviderWire {
  return {
    provider: 'groq',
    basePath: '/openai/v1',
    readApiKey: (headers) => bearerToken(headers),
    error: groqError,
    streamError: (message) => sseData({ error: { message, type: 'internal_server_error' } }),
    routes: [
      { method: 'POST', pattern: /^\/chat\/completions$/, handle: chatCompletions('groq') },
      { method: 'GET', pattern: /^\/models$/, handle: groqModels },
    ],
  };
}
