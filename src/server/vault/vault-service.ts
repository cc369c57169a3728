// The hybrid key system: personal keys first, then the global key, then none (DESIGN §5).
// Only this service decrypts; plaintext lives in memory for the length of one provider call.
import type { AuditActor, AuditTrail } from '../audit/audit-trail.ts';
import { createCachedMap } from '../cache/cached-map.ts';
import { type ChangeBus, RESYNC } from '../cache/change-bus.ts';
import type { Config } from '../config.ts';
import { AppError, commonErrors } from '../errors.ts';
import { providerErrors } from '../providers/provider-errors.ts';
import { getProvider, isProviderId, type ProviderId, providerIds } from '../providers/registry.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import { type KeyPlace, type Keyring, mask, open, seal, VaultDecryptError } from './crypto.ts';
import { checkKeyFormat } from './key-format.ts';
import type { KeyStore, SealedRow } from './key-store.ts';
import { verifyKeyWithProvider } from './key-verification.ts';
import { type KeySource, vaultErrors } from './vault-errors.ts';
import { type RotationReport, rotateVault, type SealedValues } from './vault-rotation.ts';

export type ResolvedKey = { source: KeySource; apiKey: string } | { source: 'none' };

/**
 * The key a request would use, found without decrypting: its source decides admission, and
 * `decrypt()` opens it afterwards, only for a request that was let through.
 */
export type FoundKey = { source: KeySource; decrypt(): string } | { source: 'none' };

export interface VaultLogger {
  warn(object: Record<string, unknown>, message: string): void;
  info(object: Record<string, unknown>, message: string): void;
}

export function requireProvider(provider: string): ProviderSpec<ProviderId> {
  if (!isProviderId(provider)) throw providerErrors.unknownProvider(provider);
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
  audit: AuditTrail;
}) {
  const { config, keyring, store, bus, log, audit } = options;
  const cache = createSealedKeyCache(store, bus);
  /** What other modules keep sealed in their own tables (registerSealed), re-sealed by rotate(). */
  const sealed: SealedValues[] = [];

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

  /** How the audit trail names a key's place: stable across deletes and re-saves. */
  function keyTarget(place: KeyPlace) {
    const id = place.scope === 'global' ? `global/${place.provider}` : `personal/${place.ownerId}/${place.provider}`;
    return { kind: 'provider_key' as const, id };
  }

  /** The fingerprint of the key stored at a place now, or null (none, or it no longer opens). */
  async function storedFingerprint(place: KeyPlace): Promise<string | null> {
    const row =
      place.scope === 'global'
        ? await store.findGlobal(place.provider)
        : await store.findPersonal(place.ownerId ?? '', place.provider);
    if (!row) return null;
    try {
      return await audit.fingerprint(open(keyring, row.ciphertext, place));
    } catch (error) {
      if (error instanceof VaultDecryptError) return null;
      throw error;
    }
  }

  async function saveKey(place: KeyPlace, input: { apiKey: unknown; verify?: boolean }, actor: AuditActor) {
    const provider = requireProvider(place.provider);
    const apiKey = checkKeyFormat(provider, input.apiKey);
    // Before any transaction: the fingerprint key is read outside it (on PGlite a query outside an
    // open transaction waits for it), and the previous key is opened in memory only to be told apart.
    const fingerprint = await audit.fingerprint(apiKey);
    const subjectUserId = place.scope === 'personal' ? place.ownerId : null;
    if (input.verify) {
      try {
        await verifyKeyWithProvider({
          provider,
          apiKey,
          baseUrl: config.providerBaseUrls[provider.id],
          source: place.scope,
          timeoutMs: Math.min(config.upstreamTimeoutMs, 15_000),
        });
      } catch (error) {
        // Nothing was stored: the refusal is recorded on its own, then answered as before.
        await audit.recordNow({
          action: `key.${place.scope}.verified`,
          actor,
          target: keyTarget(place),
          subjectUserId,
          outcome: 'failure',
          details: {
            provider: provider.id,
            fingerprint,
            reason: error instanceof AppError ? error.code : 'verify_failed',
          },
        });
        throw error;
      }
    }
    const previousFingerprint = await storedFingerprint(place);
    const row = await store.transaction(async (keys, tx) => {
      const saved = await keys.upsert(
        place,
        { ciphertext: seal(keyring, apiKey, place), masterKeyId: keyring.active.id, mask: mask(apiKey) },
        actor.userId ?? 'system',
        input.verify === true,
      );
      const replaced = !saved.inserted;
      await audit.record(tx, {
        action: `key.${place.scope}.${replaced ? 'replaced' : 'saved'}`,
        actor,
        target: keyTarget(place),
        subjectUserId,
        details: {
          provider: provider.id,
          fingerprint,
          verified: input.verify === true,
          ...(replaced ? { previousFingerprint } : {}),
        },
      });
      return saved;
    });
    await announceChange(place);
    log.info({ scope: place.scope, provider: provider.id, actorId: actor.userId }, 'provider key saved');
    return {
      provider: provider.id,
      mask: row.mask,
      updatedAt: row.updatedAt.toISOString(),
      ...(input.verify ? { verified: true as const } : {}),
    };
  }

  async function deleteKey(place: KeyPlace, actor: AuditActor) {
    requireProvider(place.provider);
    const fingerprint = await storedFingerprint(place);
    const deleted = await store.transaction(async (keys, tx) => {
      if (!(await keys.remove(place))) return false;
      await audit.record(tx, {
        action: `key.${place.scope}.deleted`,
        actor,
        target: keyTarget(place),
        subjectUserId: place.scope === 'personal' ? place.ownerId : null,
        details: { provider: place.provider, fingerprint },
      });
      return true;
    });
    if (!deleted) throw commonErrors.notFound('The key');
    await announceChange(place);
    log.info({ scope: place.scope, provider: place.provider, actorId: actor.userId }, 'provider key deleted');
  }

  function announceChange(place: KeyPlace) {
    return bus.publish(
      KEY_CHANNEL,
      place.scope === 'global' ? `global|${place.provider}` : `personal|${place.ownerId}|${place.provider}`,
    );
  }

  /** Which rows a request would use, from memory when seen before (ciphertexts only). */
  async function findRows(userId: string, provider: ProviderId) {
    const personalKey = `${userId}|${provider}`;
    const now = Date.now();
    const personal = await cache.personal.get(personalKey, now);
    if (personal) return { personal, global: null };
    return { personal: null, global: await cache.global.get(provider, now) };
  }

  /**
   * The source from the cached rows, no AES. `decrypt()` opens the very ciphertext that was found
   * here, not a fresh read: the source a request was admitted (and charged) on and the key it
   * sends are always the same row. A key saved or deleted between the two steps takes effect from
   * the next request, as for a request already talking to the provider. It fails closed
   * (vault_decrypt_failed), never falling back to another key.
   */
  async function findKey(userId: string, provider: ProviderId): Promise<FoundKey> {
    const { personal, global } = await findRows(userId, provider);
    if (personal) {
      const place = personalPlace(userId, provider);
      return { source: 'personal', decrypt: () => openOrFail(personal.ciphertext, place) };
    }
    if (global) {
      const place = globalPlace(provider);
      return { source: 'global', decrypt: () => openOrFail(global.ciphertext, place) };
    }
    return { source: 'none' };
  }

  async function resolveKey(userId: string, provider: ProviderId): Promise<ResolvedKey> {
    const found = await findKey(userId, provider);
    return found.source === 'none' ? found : { source: found.source, apiKey: found.decrypt() };
  }

  async function sourceOf(userId: string, provider: ProviderId): Promise<KeySource | 'none'> {
    return (await findKey(userId, provider)).source;
  }

  return {
    /**
     * Re-encrypts every stored key under the active master key, through this vault's own store,
     * and the values other modules registered; then every instance drops the sealed rows it cached
     * (they were read under the old key).
     */
    async rotate(actor: AuditActor): Promise<RotationReport> {
      const report = await rotateVault({ keyring, store, sealed });
      // Each row was re-sealed in its own statement (rotation runs online, in batches): the trail
      // says what the run did once it is over, and a run that stopped halfway says nothing.
      await audit.recordNow({
        action: 'vault.rotated',
        actor,
        target: { kind: 'vault', id: report.activeKeyId },
        details: { ...report },
      });
      await bus.publish(KEY_CHANNEL, RESYNC);
      return report;
    },

    /**
     * A module that seals a value of its own with the keyring (auth's single sign-on secret) gives
     * the rotation a way to re-seal it; the vault never reads that module's table itself.
     */
    registerSealed(values: SealedValues) {
      sealed.push(values);
    },

    /** The actor is the key's owner (the user's own request). */
    savePersonalKey: (
      actor: AuditActor & { userId: string },
      provider: string,
      input: { apiKey: unknown; verify?: boolean },
    ) => saveKey(personalPlace(actor.userId, provider), input, actor),
    deletePersonalKey: (actor: AuditActor & { userId: string }, provider: string) =>
      deleteKey(personalPlace(actor.userId, provider), actor),
    saveGlobalKey: (actor: AuditActor, provider: string, input: { apiKey: unknown; verify?: boolean }) =>
      saveKey(globalPlace(provider), input, actor),
    deleteGlobalKey: (actor: AuditActor, provider: string) => deleteKey(globalPlace(provider), actor),

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
          verified: row?.verifiedAt != null,
        };
      });
    },

    /**
     * Of these accounts (the ones that may use the global keys now), those that deleting the
     * global key of this provider would cut off: every one without a personal key for it.
     */
    async usersOnGlobalKey(provider: string, candidates: readonly string[]): Promise<number> {
      const spec = requireProvider(provider);
      const byOwner = await store.personalProvidersByOwner();
      return candidates.filter((userId) => !(byOwner.get(userId) ?? []).includes(spec.id)).length;
    },

    personalProvidersByOwner: () => store.personalProvidersByOwner(),

    findKey,

    /** findKey and decrypt in one step, for callers that admit nothing in between. */
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
/** Cached rows are read again after this long even without a change notice (a safety net). */
const CACHE_TTL_MS = 60_000;

/**
 * Sealed rows by place, so the hot path reads no database for a key it has seen (DESIGN §9). It
 * holds ciphertexts, never plaintext. Every change clears the entry it concerns, here at once and
 * elsewhere through the change bus; a read that overlaps a change is never kept (the cached map's
 * generation guard). Personal rows are keyed `<ownerId>|<provider>`, global rows by provider.
 */
function createSealedKeyCache(store: KeyStore, bus: ChangeBus) {
  const settings = { maxEntries: CACHE_MAX_ENTRIES, ttlMs: CACHE_TTL_MS };
  const personal = createCachedMap<SealedRow | null>({
    ...settings,
    load: (key) => {
      // Provider ids hold no '|'; the owner id comes first.
      const split = key.lastIndexOf('|');
      return store.findPersonal(key.slice(0, split), key.slice(split + 1));
    },
  });
  const global = createCachedMap<SealedRow | null>({ ...settings, load: (provider) => store.findGlobal(provider) });
  const prefixes = { personal: 'personal|', global: 'global|' } as const;
  personal.follow(bus, KEY_CHANNEL, (message) => {
    if (message.startsWith(prefixes.personal)) personal.invalidate(message.slice(prefixes.personal.length));
  });
  global.follow(bus, KEY_CHANNEL, (message) => {
    if (message.startsWith(prefixes.global)) global.invalidate(message.slice(prefixes.global.length));
  });
  return { personal, global };
}
