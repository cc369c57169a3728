// What an error answer looks like (DESIGN §6): WeBox's `{error: {code, message}}` on every route but
// better-auth's /api/auth/* and the OpenAI-compatible /v1, which speaks OpenAI's shape. These
// describe the answers in the OpenAPI document; errors are not serialised through them (the one
// error handler renders them, extra fields included).
import { z } from 'zod';

/** A validation failure's place and problem (400 `invalid_request` from a route schema). */
const validationIssue = z.object({
  path: z.string().describe('The field, dotted (`messages.0.content`), or `(body)`.'),
  message: z.string(),
});

/** A budget that refused a request (429 `quota_exceeded`). */
const quotaRefusal = z.object({
  source: z
    .enum(['global', 'personal', 'operator'])
    .describe(
      "Whose budget: the user's on the global or the personal keys, or the operator's hard cap on the global keys ('operator': every user's spend together; a personal key still works).",
    ),
  period: z.enum(['day', 'month']),
  unit: z.enum(['microusd', 'tokens']),
  limit: z.number(),
  remaining: z
    .number()
    .describe("limit − spent − held: the same figure GET /api/limits answers as the line's remaining."),
  requested: z
    .number()
    .describe(
      'What this request needed at least, in the same unit: its worst case with the shortest useful answer (or its own shorter max_tokens).',
    ),
  resetsAt: z.iso.datetime(),
});

/** The cheapest model that would fit what is left (429 `quota_exceeded` for money). */
const modelSuggestion = z
  .object({
    model: z.string().describe('`<provider>/<model>`, as /v1 takes it.'),
    name: z.string().describe("The model's display name."),
  })
  .nullable()
  .optional()
  .describe(
    'With quota_exceeded: the cheapest model you may use on the same key source whose shortest useful answer fits the money left; null when none does (or the refused limit is in tokens).',
  );

export const errorBody = z
  .object({
    error: z.looseObject({
      code: z.string().describe('snake_case; the list is in the description of this document.'),
      message: z.string().describe('An English sentence; 5xx answers never say more than that something failed.'),
      issues: z.array(validationIssue).optional().describe('With invalid_request from a schema check.'),
      param: z.string().optional().describe('The query or body field at fault, when there is one.'),
      provider: z.string().optional().describe('The provider concerned (no_api_key, provider_*, invalid_key_format).'),
      source: z.enum(['personal', 'global']).optional().describe('Which key the provider refused or failed with.'),
      expected: z.string().optional().describe("With invalid_key_format: the provider's key format."),
      quota: quotaRefusal.optional(),
      suggestion: modelSuggestion,
      reason: z
        .string()
        .nullable()
        .optional()
        .describe('With subscription_required (no_subscription, past_due_grace_over) and model_not_in_plan.'),
      subscribeUrl: z.string().optional().describe('Where to subscribe (subscription_required, model_not_in_plan).'),
    }),
  })
  .meta({
    id: 'Error',
    description: 'Every WeBox error outside /api/auth and /v1. Fields other than code and message may be added.',
  });

export const openAiErrorBody = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.enum([
        'invalid_request_error',
        'authentication_error',
        'permission_error',
        'rate_limit_error',
        'api_error',
      ]),
      code: z.string().describe("WeBox's code (no_api_key, invalid_token, quota_exceeded, …)."),
      param: z.string().nullable(),
      reason: z.string().nullable().optional().describe('With subscription_required and model_not_in_plan.'),
      subscribeUrl: z.string().optional().describe('With subscription_required and model_not_in_plan.'),
      quota: quotaRefusal.optional().describe('With quota_exceeded: the same details as on /api.'),
      suggestion: modelSuggestion,
    }),
  })
  .meta({ id: 'OpenAiError', description: "/v1's errors, in OpenAI's shape, so that OpenAI's clients raise theirs." });

/** better-auth's own error shape, on /api/auth/* (its client reads it). */
export const authErrorBody = z
  .object({ code: z.string(), message: z.string() })
  .meta({ id: 'AuthError', description: "better-auth's error shape (USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL, …)." });

export type OpenAiErrorBody = z.infer<typeof openAiErrorBody>;
