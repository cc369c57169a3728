// `webox vault rotate`: re-encrypts every row under the active master key. Online (servers keep
// running: every listed key still decrypts), in batches, and idempotent (rows already under the
// active key are not touched, so running it twice changes nothing the second time). The provider
// keys are the vault's own table; a module that keeps a sealed value in its own table (the single
// sign-on client secret, auth/sso-settings.ts) hands the rotation a SealedValues for it, since the
// vault reads no other module's tables.
import { type KeyPlace, type Keyring, open, seal, sealedKeyId, VaultDecryptError } from './crypto.ts';
import type { KeyStore } from './key-store.ts';

export interface RotationReport {
  activeKeyId: string;
  rotated: number;
  /** Rows changed by someone else while being rotated: they were saved under the active key. */
  skipped: number;
  /** Rows no listed master key can open: they must be saved again. */
  unreadable: number;
}

/** Values sealed with the vault's keys that another module keeps in its own table. */
export interface SealedValues {
  /** Every value it holds with where it was sealed (a handful: read at once). */
  list(): Promise<Array<{ id: string; ciphertext: string; place: KeyPlace }>>;
  /** Replaces the value only if it still holds `previous` (a change meanwhile is kept). */
  replace(id: string, previous: string, next: string): Promise<boolean>;
}

export async function rotateVault(options: {
  keyring: Keyring;
  store: KeyStore;
  /** The other modules' sealed values, re-sealed after the provider keys. */
  sealed?: readonly SealedValues[];
  batchSize?: number;
  onBatch?: (report: RotationReport) => void;
}): Promise<RotationReport> {
  const { keyring, store, sealed = [], batchSize = 200, onBatch } = options;
  const report: RotationReport = { activeKeyId: keyring.active.id, rotated: 0, skipped: 0, unreadable: 0 };
  /** The value under the active key, or null when no listed key opens it. */
  const resealed = (ciphertext: string, place: KeyPlace): string | null => {
    try {
      return seal(keyring, open(keyring, ciphertext, place), place);
    } catch (error) {
      if (!(error instanceof VaultDecryptError)) throw error;
      return null;
    }
  };
  let afterId: string | null = null;
  for (;;) {
    const rows = await store.findNotSealedWith(keyring.active.id, afterId, batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      const place: KeyPlace = { scope: row.scope, ownerId: row.ownerId, provider: row.provider };
      const ciphertext = resealed(row.ciphertext, place);
      if (ciphertext === null) {
        report.unreadable++;
        continue;
      }
      const replaced = await store.replaceCiphertext(row.id, row.ciphertext, {
        ciphertext,
        masterKeyId: keyring.active.id,
      });
      if (replaced) report.rotated++;
      else report.skipped++;
    }
    afterId = rows[rows.length - 1]?.id ?? null;
    onBatch?.({ ...report });
  }
  for (const values of sealed) {
    for (const row of await values.list()) {
      if (sealedKeyId(row.ciphertext) === keyring.active.id) continue;
      const ciphertext = resealed(row.ciphertext, row.place);
      if (ciphertext === null) {
        report.unreadable++;
        continue;
      }
      if (await values.replace(row.id, row.ciphertext, ciphertext)) report.rotated++;
      else report.skipped++;
    }
  }
  if (sealed.length > 0) onBatch?.({ ...report });
  return report;
}
