// Rows of provider_key. Listing functions return masks and dates only; the ciphertext leaves
// this file only towards the vault service, which alone decrypts.
import { and, asc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { providerKey } from '../db/schema/vault.ts';
import type { KeyPlace } from './crypto.ts';

export interface StoredKeySummary {
  provider: string;
  mask: string;
  updatedAt: Date;
}

/** A global key as admins see it: also whether the provider accepted it when it was saved. */
export interface GlobalKeySummary extends StoredKeySummary {
  verifiedAt: Date | null;
}

export interface SealedRow {
  id: string;
  scope: 'personal' | 'global';
  ownerId: string | null;
  provider: string;
  ciphertext: string;
}

/** The columns the vault needs to open a row (its place is part of the associated data). */
const sealedColumns = {
  id: providerKey.id,
  scope: providerKey.scope,
  ownerId: providerKey.ownerId,
  provider: providerKey.provider,
  ciphertext: providerKey.ciphertext,
};

function placeCondition(place: KeyPlace) {
  return place.scope === 'global'
    ? and(eq(providerKey.scope, 'global'), isNull(providerKey.ownerId), eq(providerKey.provider, place.provider))
    : and(
        eq(providerKey.scope, 'personal'),
        eq(providerKey.ownerId, place.ownerId ?? ''),
        eq(providerKey.provider, place.provider),
      );
}

export function createKeyStore(db: Database) {
  return {
    /** Runs `work` in one transaction, with a store that writes in it (a key and its audit row). */
    transaction<T>(work: (store: KeyStore, tx: Database) => Promise<T>): Promise<T> {
      return db.transaction((tx) => work(createKeyStore(tx), tx));
    },

    async upsert(
      place: KeyPlace,
      sealed: { ciphertext: string; masterKeyId: string; mask: string },
      updatedBy: string,
      verified = false,
    ) {
      const now = new Date();
      const verifiedAt = verified ? now : null;
      const values = {
        scope: place.scope,
        ownerId: place.scope === 'global' ? null : place.ownerId,
        provider: place.provider,
        ...sealed,
        updatedAt: now,
        updatedBy,
        verifiedAt,
      };
      const set = { ...sealed, updatedAt: now, updatedBy, verifiedAt };
      // xmax is 0 on a freshly inserted row version and set on one an update wrote: it tells a
      // first save from a replacement in the same statement, with no race between a read and it.
      const returning = {
        provider: providerKey.provider,
        mask: providerKey.mask,
        updatedAt: providerKey.updatedAt,
        inserted: sql<boolean>`(xmax = 0)`,
      };
      const [row] =
        place.scope === 'global'
          ? await db
              .insert(providerKey)
              .values(values)
              .onConflictDoUpdate({ target: providerKey.provider, targetWhere: sql`scope = 'global'`, set })
              .returning(returning)
          : await db
              .insert(providerKey)
              .values(values)
              .onConflictDoUpdate({
                target: [providerKey.ownerId, providerKey.provider],
                targetWhere: sql`scope = 'personal'`,
                set,
              })
              .returning(returning);
      if (!row) throw new Error('upsert returned no row');
      return row;
    },

    /** True when a row was deleted. */
    async remove(place: KeyPlace) {
      const deleted = await db.delete(providerKey).where(placeCondition(place)).returning({ id: providerKey.id });
      return deleted.length > 0;
    },

    async listPersonal(ownerId: string): Promise<StoredKeySummary[]> {
      return db
        .select({ provider: providerKey.provider, mask: providerKey.mask, updatedAt: providerKey.updatedAt })
        .from(providerKey)
        .where(and(eq(providerKey.scope, 'personal'), eq(providerKey.ownerId, ownerId)));
    },

    async listGlobal(): Promise<GlobalKeySummary[]> {
      return db
        .select({
          provider: providerKey.provider,
          mask: providerKey.mask,
          updatedAt: providerKey.updatedAt,
          verifiedAt: providerKey.verifiedAt,
        })
        .from(providerKey)
        .where(eq(providerKey.scope, 'global'));
    },

    /** Providers each user has a personal key for (admin's user list: never the keys). */
    async personalProvidersByOwner(): Promise<Map<string, string[]>> {
      const rows = await db
        .select({ ownerId: providerKey.ownerId, provider: providerKey.provider })
        .from(providerKey)
        .where(eq(providerKey.scope, 'personal'))
        .orderBy(asc(providerKey.provider));
      const byOwner = new Map<string, string[]>();
      for (const row of rows) {
        if (!row.ownerId) continue;
        byOwner.set(row.ownerId, [...(byOwner.get(row.ownerId) ?? []), row.provider]);
      }
      return byOwner;
    },

    async findPersonal(ownerId: string, provider: string): Promise<SealedRow | null> {
      const [row] = await db
        .select(sealedColumns)
        .from(providerKey)
        .where(placeCondition({ scope: 'personal', ownerId, provider }));
      return row ?? null;
    },

    async findGlobal(provider: string): Promise<SealedRow | null> {
      const [row] = await db
        .select(sealedColumns)
        .from(providerKey)
        .where(placeCondition({ scope: 'global', ownerId: null, provider }));
      return row ?? null;
    },

    /** Global row presence per provider, for users who may only see "configured". */
    async globalProviders(): Promise<Set<string>> {
      const rows = await db
        .select({ provider: providerKey.provider })
        .from(providerKey)
        .where(eq(providerKey.scope, 'global'));
      return new Set(rows.map((row) => row.provider));
    },

    /** Rows not yet sealed under `activeKeyId`, in id order after `afterId` (rotation batches). */
    async findNotSealedWith(activeKeyId: string, afterId: string | null, limit: number): Promise<SealedRow[]> {
      return db
        .select(sealedColumns)
        .from(providerKey)
        .where(
          and(ne(providerKey.masterKeyId, activeKeyId), afterId === null ? undefined : gt(providerKey.id, afterId)),
        )
        .orderBy(asc(providerKey.id))
        .limit(limit);
    },

    /**
     * Replaces a row's ciphertext only if it still holds the one that was read: a key saved by a
     * user while rotation runs is never overwritten with the older value.
     */
    async replaceCiphertext(id: string, previous: string, next: { ciphertext: string; masterKeyId: string }) {
      const updated = await db
        .update(providerKey)
        .set(next)
        .where(and(eq(providerKey.id, id), eq(providerKey.ciphertext, previous)))
        .returning({ id: providerKey.id });
      return updated.length > 0;
    },
  };
}

export interface KeyStore extends Omit<ReturnType<typeof createKeyStore>, 'transaction'> {
  transaction<T>(work: (store: KeyStore, tx: Database) => Promise<T>): Promise<T>;
}
