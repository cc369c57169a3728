// Fake upstream providers for the test suite: one small node:http server per
// provider wire format, on 127.0.0.1 and a free port. Point WeBox at them with
// `env` (WEBOX_<PROVIDER>_BASE_URL) or an AI SDK provider with `baseUrls`.
//
//   const fakes = await startFakeUpstreams();
//   fakes.byProvider.openai.rejectKeys.add('sk-revoked');
//   fakes.byProvider.groq.setBehavior({ kind: 'rate_limited', retryAfterSeconds: 2 }, { times: 1 });
//   … fakes.requests() …
//   await fakes.close();

import { baseUrlVariable, providerIds } from '../../src/server/providers/registry.ts';
import { anthropicWire } from './anthropic.ts';
import type {
  FakeProviderId,
  FakeUpstream,
  FakeUpstreamOptions,
  ProviderWire,
  RecordedRequest,
} from './fake-server.ts';
import { startFakeServer } from './fake-server.ts';
import { googleWire } from './google.ts';
import { groqWire, mistralWire, openaiWire } from './openai-compatible.ts';

export type {
  FakeBehavior,
  FakeProviderId,
  FakeUpstream,
  FakeUpstreamOptions,
  RecordedRequest,
} from './fake-server.ts';
export { defaultReplyFor, inputTokensFor, outputTokensFor } from './reply-text.ts';

export interface FakeUpstreams {
  byProvider: Record<FakeProviderId, FakeUpstream>;
  baseUrls: Record<FakeProviderId, string>;
  /** `{ WEBOX_OPENAI_BASE_URL: …, … }`, ready to merge into WeBox's environment. */
  env: Record<string, string>;
  /** Every provider's recorded requests, in arrival order. */
  requests(): RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_PROVIDER_IDS: readonly FakeProviderId[] = providerIds;

// A provider added to the registry does not typecheck here until it has a wire.
const WIRES: Record<FakeProviderId, () => ProviderWire> = {
  openai: openaiWire,
  anthropic: anthropicWire,
  google: googleWire,
  mistral: mistralWire,
  groq: groqWire,
};

export function startFakeUpstream(provider: FakeProviderId, options?: FakeUpstreamOptions): Promise<FakeUpstream> {
  return startFakeServer(WIRES[provider](), options);
}

export async function startFakeUpstreams(options?: FakeUpstreamOptions): Promise<FakeUpstreams> {
  const settled = await Promise.allSettled(FAKE_PROVIDER_IDS.map((id) => startFakeUpstream(id, options)));
  const started = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((upstream) => upstream.close()));
    throw failed.reason;
  }

  const byProvider = Object.fromEntries(started.map((upstream) => [upstream.provider, upstream])) as Record<
    FakeProviderId,
    FakeUpstream
  >;
  const baseUrls = Object.fromEntries(started.map((upstream) => [upstream.provider, upstream.baseUrl])) as Record<
    FakeProviderId,
    string
  >;
  const env = Object.fromEntries(started.map((upstream) => [baseUrlVariable(upstream.provider), upstream.baseUrl]));

  return {
    byProvider,
    baseUrls,
    env,
    requests: () => started.flatMap((upstream) => upstream.requests).sort((a, b) => a.at - b.at),
    reset() {
      for (const upstream of started) upstream.reset();
    },
    async close() {
      await Promise.all(started.map((upstream) => upstream.close()));
    },
  };
}

// Stripe is not a model provider: its fake stands apart (test/fakes/stripe.ts), re-exported here.
export type { Delivery, FakeStripe, SignedEvent, StripeObject, StripeRequest } from './stripe.ts';
export { startFakeStripe } from './stripe.ts';
