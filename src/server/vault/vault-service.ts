// The hybrid key system: personal keys first, then the global key, then none (DESIGN §5).
// Only this service decrypts; plaintext lives in memory for the length of one provider call.
import { type ChangeBus, RESYNC } from '../cache/change-bus.ts';
import type { Config } from '../config.ts';
import { commonErrors } from '../errors.ts';
import { getProvider, isProviderId, type ProviderId, providerIds } from '../providers/registry.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import { type KeyPlace, type Keyring, mask, open, seal, VaultDecryptError } from './crypto.ts';
import { checkKeyFormat } from './key-format.ts';
import type { KeyStore, SealedRow } from './key-store.ts';
import { verifyKeyWithProvider } from './key-verification.ts';
import { type KeySource, vaultErrors } from './vault-errors.ts';

export type ResolvedKey = { source: KeySource; apiKey: string } | { source: 'none' };

export interface VaultLogger {
  warn(object: Record<string, unknown>, message: string): void;
  info(object: Record<string, unknown>, message: string): void;
}

export function requireProvider(provider: string): ProviderSpec<ProviderId> {
  if (!isProviderId(provider)) throw vaultErrors.unknownProvider(provider);
  return getProvider(provider);
}

const personalPlace = (ownerId: string, provider: string): KeyPlace => ({ scope: 'personal', ownerId, provider });
const globalPlace = (provider: string): KeyPlace => ({ scope: 'global', ownerId: null, provider });

/** Change-bus channel for key changes: `personal|<ownerId>|<provider>` or `global|<provider>`. */
const KEY_CHANNEL = 'provider-key';

export function createVault(options: {
  config: Config;
  keyring: Keyring;
  store: KeyStore;
  bus: ChangeBus;
  log: VaultLogger;
}) {
  const { config, keyring, store, bus, log } = options;
  const cache = createSealedKeyCache(store);
  bus.subscribe(KEY_CHANNEL, (message) => cache.invalidate(message));

  function openOrFail(ciphertext: string, place: KeyPlace): string {
    try {
      return open(keyring, ciphertext, place);
    } catch (error) {
      if (error instanceof VaultDecryptError) {
        // Fail closed: never another key, never the input. The reason helps the operator.
        log.warn(
          { reason: error.reason, scope: place.scope, provider: place.provider },
          'stored key cannot be decrypted',
        );
        throw vaultErrors.decryptFailed();
      }
      throw error;
    }
  }

  async function saveKey(place: KeyPlace, input: { apiKey: unknown; verify?: boolean }, actorId: string) {
    const provider = requireProvider(place.provider);
    const apiKey = checkKeyFormat(provider, input.apiKey);
    if (input.verify) {
      await verifyKeyWithProvider({
        provider,
        apiKey,
        baseUrl: config.providerBaseUrls[provider.id],
        source: place.scope,
        timeoutMs: Math.min(config.upstreamTimeoutMs, 15_000),
      });
    }
    const row = await store.upsert(
      place,
      { ciphertext: seal(keyring, apiKey, place), masterKeyId: keyring.active.id, mask: mask(apiKey) },
      actorId,
    );
    await announceChange(place);
    log.info({ scope: place.scope, provider: provider.id, actorId }, 'provider key saved');
    return {
      provider: provider.id,
      mask: row.mask,
      updatedAt: row.updatedAt.toISOString(),
      ...(input.verify ? { verified: true } : {}),
    };
  }

  async function deleteKey(place: KeyPlace, actorId: string) {
    requireProvider(place.provider);
    const deleted = await store.remove(place);
    if (!deleted) throw commonErrors.notFound('The key');
    await announceChange(place);
    log.info({ scope: place.scope, provider: place.provider, actorId }, 'provider key deleted');
  }

  function announceChange(place: KeyPlace) {
    return bus.publish(
      KEY_CHANNEL,
      place.scope === 'global' ? `global|${place.provider}` : `personal|${place.ownerId}|${place.provider}`,
    );
  }

  /** Which rows a request would use, from memory when seen before (ciphertexts only). */
  async function findRows(userId: string, provider: ProviderId) {
    const personal = await cache.personal(userId, provider);
    if (personal) return { personal, global: null };
    return { personal: null, global: await cache.global(provider) };
  }

  async function resolveKey(userId: string, provider: ProviderId): Promise<ResolvedKey> {
    const { personal, global } = await findRows(userId, provider);
    if (personal) {
      return { source: 'personal', apiKey: openOrFail(personal.ciphertext, personalPlace(userId, provider)) };
    }
    if (global) return { source: 'global', apiKey: openOrFail(global.ciphertext, globalPlace(provider)) };
    return { source: 'none' };
  }

  async function sourceOf(userId: string, provider: ProviderId): Promise<KeySource | 'none'> {
    const { personal, global } = await findRows(userId, provider);
    return personal ? 'personal' : global ? 'global' : 'none';
  }

  return {
    savePersonalKey: (userId: string, provider: string, input: { apiKey: unknown; verify?: boolean }) =>
      saveKey(personalPlace(userId, provider), input, userId),
    deletePersonalKey: (userId: string, provider: string) => deleteKey(personalPlace(userId, provider), userId),
    saveGlobalKey: (adminId: string, provider: string, input: { apiKey: unknown; verify?: boolean }) =>
      saveKey(globalPlace(provider), input, adminId),
    deleteGlobalKey: (adminId: string, provider: string) => deleteKey(globalPlace(provider), adminId),

    /** GET /api/keys: what a user may know — their own masks, and only whether a global key exists. */
    async listKeysForUser(userId: string) {
      const [personal, globals] = await Promise.all([store.listPersonal(userId), store.globalProviders()]);
      const personalByProvider = new Map(personal.map((row) => [row.provider, row]));
      return providerIds.map((provider) => {
        const own = personalByProvider.get(provider);
        const globalConfigured = globals.has(provider);
        return {
          provider,
          source: own ? 'personal' : globalConfigured ? 'global' : 'none',
          personal: own ? { mask: own.mask, updatedAt: own.updatedAt.toISOString() } : null,
          global: { configured: globalConfigured },
        } as const;
      });
    },

    /** GET /api/admin/keys: the global keys' masks, for admins only. */
    async listGlobalKeys() {
      const rows = new Map((await store.listGlobal()).map((row) => [row.provider, row]));
      return providerIds.map((provider) => {
        const row = rows.get(provider);
        return {
          provider,
          configured: row !== undefined,
          mask: row?.mask ?? null,
          updatedAt: row?.updatedAt.toISOString() ?? null,
        };
      });
    },

    personalProvidersByOwner: () => store.personalProvidersByOwner(),

    resolveKey,

    /** The key a chat with this provider would use, or null (the seed's getApiKey). */
    async getApiKey(userId: string, provider: ProviderId): Promise<string | null> {
      const resolved = await resolveKey(userId, provider);
      return resolved.source === 'none' ? null : resolved.apiKey;
    },

    /** Whether a chat with this provider would find a key (the seed's hasApiAccess); never decrypts. */
    hasApiAccess: async (userId: string, provider: ProviderId) => (await sourceOf(userId, provider)) !== 'none',

    /** 'personal' | 'global' | 'none' (the seed's getApiKeySource); never decrypts. */
    getApiKeySource: sourceOf,
  };
}

export type Vault = ReturnType<typeof createVault>;

const CACHE_MAX_ENTRIES = 100_000;

/**
 * Sealed rows by place, so the hot path reads no database for a key it has seen (DESIGN §9). It
 * holds ciphertexts, never plaintext. Every change clears the entries it concerns, here at once
 * and elsewhere through the change bus; a load that raced with a change is not kept.
 */
function createSealedKeyCache(store: KeyStore) {
  const personal = new Map<string, SealedRow | null>();
  const global = new Map<string, SealedRow | null>();
  let generation = 0;

  async function through(map: Map<string, SealedRow | null>, key: string, load: () => Promise<SealedRow | null>) {
    if (map.has(key)) return map.get(key) ?? null;
    const startedAt = generation;
    const row = await load();
    if (startedAt === generation) {
      if (map.size >= CACHE_MAX_ENTRIES) map.clear();
      map.set(key, row);
    }
    return row;
  }

  return {
    personal: (ownerId: string, provider: string) =>
      through(personal, `${ownerId}|${provider}`, () => store.findPersonal(ownerId, provider)),
    global: (provider: string) => through(global, provider, () => store.findGlobal(provider)),
    invalidate(message: string) {
      generation++;
      if (message === RESYNC) {
        personal.clear();
        global.clear();
        return;
      }
      const [scope, first, second] = message.split('|');
      if (scope === 'global' && first) global.delete(first);
      else if (scope === 'personal' && first && second) personal.delete(`${first}|${second}`);
    },
  };
}
