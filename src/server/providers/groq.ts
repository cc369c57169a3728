import { onFirstUse } from '../on-first-use.ts';
import { modelIdFormat } from './model-id-format.ts';
import { assertApiKey, bearer, type ProviderSpec, price } from './spec.ts';
import { createEventRewriter } from './stream-events.ts';

// The SDK is imported on the first model built (onFirstUse): an instance that never calls groq through it never pays for it.
const loadSdk = onFirstUse(() => import('@ai-sdk/groq'));

/** One streamed event with x_groq.usage and no `usage` gets `usage` too; any other is left as it came. */
export function copyXGroqUsage(event: string): string {
  if (!event.includes('usage')) return event;
  const data = event.trim();
  if (!data.startsWith('data:')) return event;
  try {
    const parsed = JSON.parse(data.slice(5)) as { usage?: unknown; x_groq?: { usage?: unknown } };
    if (parsed.usage || !parsed.x_groq?.usage) return event;
    return `data: ${JSON.stringify({ ...parsed, usage: parsed.x_groq.usage })}`;
  } catch {
    return event;
  }
}

export const groq = {
  id: 'groq',
  name: 'Groq',
  defaultBaseUrl: 'https://api.groq.com/openai/v1',
  keyFormat: { pattern: /^gsk_/, hint: 'starts with "gsk_"', shape: /\bgsk_[A-Za-z0-9_*]{8,}/g },
  // In the body only; hosted models are named by their owner (openai/gpt-oss-120b).
  modelIdFormat: modelIdFormat({ slashes: 1, colons: true }),
  openaiCompatible: true,
  gateway: {
    unsupported: ['logit_bias', 'logprobs', 'top_logprobs'],
    dropped: ['stream_options'],
    // Groq reports streamed usage under x_groq.usage without being asked: metered from there, and
    // copied to `usage` in that one event, where OpenAI clients read it.
    usageFrom: (answer) => (answer.x_groq as { usage?: unknown } | undefined)?.usage,
    streamRewrite: () => createEventRewriter('x_groq', copyXGroqUsage),
    // on_demand is what absent means; flex is billed at on_demand prices. "auto" may pick the
    // performance tier, which is priced apart.
    standardServiceTiers: ['on_demand', 'flex'],
  },
  async languageModel({ apiKey, baseUrl, modelId, fetch }) {
    assertApiKey(apiKey);
    const { createGroq } = await loadSdk();
    return createGroq({ apiKey, baseURL: baseUrl, fetch })(modelId);
  },
  authHeaders: bearer,
  listModelsRequest: (apiKey, baseUrl) => ({ url: `${baseUrl}/models`, headers: bearer(apiKey) }),
  // maxOutputTokens: "max completion tokens" in Groq's model list (console.groq.com/docs/models,
  // and `max_completion_tokens` of GET /models); reasoning tokens count inside it.
  models: [
    {
      id: 'openai/gpt-oss-120b',
      name: 'GPT-OSS 120B',
      description: { en: 'Open-weight model, fast on Groq.', fr: 'Modèle à poids ouverts, rapide sur Groq.' },
      pricing: price(0.15, 0.6, 0.075),
      maxOutputTokens: 65_536,
    },
    {
      id: 'openai/gpt-oss-20b',
      name: 'GPT-OSS 20B',
      description: {
        en: 'Smaller open-weight model, very fast.',
        fr: 'Modèle à poids ouverts plus petit, très rapide.',
      },
      pricing: price(0.075, 0.3, 0.0375),
      maxOutputTokens: 65_536,
    },
    {
      id: 'llama-3.3-70b-versatile',
      name: 'Llama 3.3 70B Versatile',
      description: { en: "Meta's open model for general use.", fr: 'Le modèle ouvert de Meta pour un usage général.' },
      pricing: price(0.59, 0.79),
      maxOutputTokens: 32_768,
    },
    {
      id: 'llama-3.1-8b-instant',
      name: 'Llama 3.1 8B Instant',
      description: {
        en: 'Tiny and instant, for simple tasks.',
        fr: 'Minuscule et instantané, pour les tâches simples.',
      },
      pricing: price(0.05, 0.08),
      maxOutputTokens: 131_072,
    },
    {
      id: 'moonshotai/kimi-k2-instruct-0905',
      name: 'Kimi K2',
      description: {
        en: 'Large open model, good at code and tools.',
        fr: 'Grand modèle ouvert, bon en code et en outils.',
      },
      pricing: price(1, 3, 0.5),
      maxOutputTokens: 16_384,
    },
  ],
} as const satisfies ProviderSpec<'groq'>;
