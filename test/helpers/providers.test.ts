// The per-provider test tables follow the registry: every provider WeBox lists has a key maker
// whose keys its own format takes (and no other provider's), a fake upstream where WeBox looks
// for it, and a test model from its catalogue. The suites loop over the registry, so a provider
// added there is tested by every one of them, once this file passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrlVariable, providers } from '../../src/server/providers/registry.ts';
import { checkKeyFormat } from '../../src/server/vault/key-format.ts';
import { type FakeUpstreams, startFakeUpstreams } from '../fakes/index.ts';
import { allProviders, makeKey } from './keys.ts';
import { gatewayModels, testModels } from './models.ts';

let fakes: FakeUpstreams;

beforeAll(async () => {
  fakes = await startFakeUpstreams();
});

afterAll(async () => {
  await fakes?.close();
});

describe('the test kit covers every provider of the registry', () => {
  it('loops over exactly the registry', () => {
    expect(allProviders).toEqual(providers.map((provider) => provider.id));
    expect(Object.keys(fakes.byProvider).sort()).toEqual([...allProviders].sort());
  });

  for (const provider of providers) {
    it(`${provider.id}: its made keys pass its own key format, and no other provider's`, () => {
      const key = makeKey[provider.id]();
      expect(makeKey[provider.id]()).not.toBe(key);
      expect(checkKeyFormat(provider, key)).toBe(key);
      // The scrubber finds it by its shape: leak tests with these keys test the scrubber too.
      expect(key.match(provider.keyFormat.shape)).toEqual([key]);
      for (const other of providers.filter((candidate) => candidate.id !== provider.id)) {
        expect(() => checkKeyFormat(other, key), `${other.id} took a ${provider.id} key`).toThrow(
          expect.objectContaining({ code: 'invalid_key_format' }),
        );
      }
    });

    it(`${provider.id}: its fake answers where WeBox looks for it, reading the key where the provider sends it`, async () => {
      const baseUrl = fakes.env[baseUrlVariable(provider.id)];
      expect(baseUrl).toBe(fakes.byProvider[provider.id].baseUrl);
      const key = makeKey[provider.id]();
      const { url, headers } = provider.listModelsRequest(key, baseUrl ?? '');
      expect((await fetch(url, { headers })).status).toBe(200);
      expect(fakes.byProvider[provider.id].requests.at(-1)?.apiKey).toBe(key);
    });

    it(`${provider.id}: its test model is in its catalogue`, () => {
      expect(provider.models.map((model) => model.id)).toContain(testModels[provider.id]);
      expect(gatewayModels[provider.id]).toBe(`${provider.id}/${testModels[provider.id]}`);
    });
  }
});
