// What the OpenAI-compatible /v1 answers, in OpenAI's shapes. /v1/models is serialised through its
// schema; a chat completion passes through as the provider (or the translation) wrote it, so its
// schemas only describe it in the OpenAPI document.
import { z } from 'zod';

export const gatewayModel = z
  .object({
    id: z.string().describe('`<provider>/<model>`, as `model` takes it.'),
    object: z.literal('model'),
    created: z.number().int(),
    owned_by: z.string().describe('The provider id.'),
  })
  .meta({ id: 'GatewayModel', description: 'A model the caller can use now.' });

/** GET /v1/models. */
export const gatewayModelList = z
  .object({ object: z.literal('list'), data: z.array(gatewayModel) })
  .meta({ id: 'GatewayModelList', description: 'The models on the providers the caller has a key for now.' });

const chatMessage = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]),
});

/** POST /v1/chat/completions' body, as OpenAI documents it (read by the gateway itself, not a schema). */
export const completionRequest = z
  .looseObject({
    model: z.string().describe('`<provider>/<model>`, or a bare model id that only one provider lists.'),
    messages: z.array(chatMessage).min(1),
    stream: z.boolean().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).optional(),
    max_tokens: z.number().int().optional(),
    max_completion_tokens: z.number().int().optional(),
    temperature: z.number().optional(),
    top_p: z.number().optional(),
    stop: z.union([z.string(), z.array(z.string())]).optional(),
    seed: z.number().int().optional(),
    response_format: z.looseObject({ type: z.string() }).optional(),
    tools: z.array(z.looseObject({ type: z.string() })).optional(),
    tool_choice: z.unknown().optional(),
    user: z.string().optional(),
  })
  .meta({
    id: 'CompletionRequest',
    description:
      "OpenAI's chat completion request. Parameters a provider does not take are refused with a 400 naming them.",
  });

const usage = z.looseObject({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

/** A completion answered as JSON. */
export const completion = z
  .looseObject({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.number().int(),
        message: z.looseObject({ role: z.literal('assistant'), content: z.string().nullable() }),
        finish_reason: z.string().nullable(),
      }),
    ),
    usage: usage.optional(),
  })
  .meta({ id: 'Completion', description: "OpenAI's chat completion object." });

/** One `data:` line of a streamed completion (the stream ends with `data: [DONE]`). */
export const completionChunk = z
  .looseObject({
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.number().int(),
        delta: z.looseObject({ role: z.string().optional(), content: z.string().nullable().optional() }),
        finish_reason: z.string().nullable(),
      }),
    ),
    usage: usage.nullable().optional().describe('On the last chunk, with `stream_options.include_usage`.'),
  })
  .meta({
    id: 'CompletionChunk',
    description:
      "One `data: {…}` line of a streamed completion, in OpenAI's chunk shape; then `data: [DONE]`. An error after the first byte is a `data:` line holding OpenAI's error shape.",
  });
