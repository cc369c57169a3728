import { onFirstUse } from '../on-first-use.ts';
import { modelIdFormat } from './model-id-format.ts';
import { assertApiKey, type ProviderSpec, price } from './spec.ts';

// The SDK is imported on the first model built (onFirstUse): an instance that never calls google through it never pays for it.
const loadSdk = onFirstUse(() => import('@ai-sdk/google'));

// The key goes in a header, not in ?key=, so it never lands in an access log or an error's URL.
const authHeaders = (apiKey: string) => ({ 'x-goog-api-key': apiKey });

export const google = {
  id: 'google',
  name: 'Google Gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  keyFormat: {
    pattern: /^AIza[A-Za-z0-9_-]{35}$/,
    hint: '"AIza" followed by 35 letters, digits, "-" or "_"',
    shape: /AIza[A-Za-z0-9_-]{8,}/g,
  },
  // The id goes into the URL path (models/{id}:streamGenerateContent), and the SDK uses an id
  // holding a slash as a path of its own: neither a slash nor the method's colon is allowed.
  modelIdFormat: modelIdFormat({ slashes: 0, colons: false }),
  openaiCompatible: false,
  // Translated through the AI SDK: these OpenAI parameters have no Gemini equivalent there.
  gateway: { unsupported: ['user', 'n', 'logit_bias', 'logprobs', 'top_logprobs', 'response_format'] },
  async languageModel({ apiKey, baseUrl, modelId, fetch }) {
    assertApiKey(apiKey);
    const { createGoogleGenerativeAI } = await loadSdk();
    // The format keeps the id to characters a path segment takes as they are; encoding it anyway
    // means a looser format could never turn it into a path of its own.
    return createGoogleGenerativeAI({ apiKey, baseURL: baseUrl, fetch })(encodeURIComponent(modelId));
  },
  authHeaders,
  // Google answers a bad key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
  rejectsKey: (status, body) => status === 400 && body !== undefined && body.includes('API_KEY_INVALID'),
  listModelsRequest: (apiKey, baseUrl) => ({ url: `${baseUrl}/models`, headers: authHeaders(apiKey) }),
  // maxOutputTokens: the "output token limit" of each model (ai.google.dev/gemini-api/docs/models);
  // thinking tokens count inside it.
  models: [
    {
      id: 'gemini-2.5-pro',
      name: 'Gemini 2.5 Pro',
      description: {
        en: "Google's most capable model, long contexts.",
        fr: 'Le modèle le plus capable de Google, longs contextes.',
      },
      pricing: price(1.25, 10, 0.125),
      maxOutputTokens: 65_536,
    },
    {
      id: 'gemini-2.5-flash',
      name: 'Gemini 2.5 Flash',
      description: { en: 'Fast and affordable Gemini.', fr: 'Un Gemini rapide et abordable.' },
      pricing: price(0.3, 2.5, 0.03),
      maxOutputTokens: 65_536,
    },
    {
      id: 'gemini-2.5-flash-lite',
      name: 'Gemini 2.5 Flash-Lite',
      description: {
        en: 'The lightest Gemini: quick and very cheap.',
        fr: 'Le Gemini le plus léger : rapide et très économique.',
      },
      pricing: price(0.1, 0.4, 0.01),
      maxOutputTokens: 65_536,
    },
  ],
} as const satisfies ProviderSpec<'google'>;
