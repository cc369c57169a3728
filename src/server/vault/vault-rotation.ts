// `webox vault rotate`: re-encrypts every row under the active master key. Online (servers keep
// running: every listed key still decrypts), in batches, and idempotent (rows already under the
// active key are not touched, so running it twice changes nothing the second time).
import { type KeyPlace, type Keyring, open, seal, VaultDecryptError } from './crypto.ts';
import type { KeyStore } from './key-store.ts';

export interface RotationReport {
  activeKeyId: string;
  rotated: number;
  /** Rows changed by someone else while being rotated: they were saved under the active key. */
  skipped: number;
  /** Rows no listed master key can open: they must be saved again. */
  unreadable: number;
}

export async function rotateVault(options: {
  keyring: Keyring;
  store: KeyStore;
  batchSize?: number;
  onBatch?: (report: RotationReport) => void;
}): Promise<RotationReport> {
  const { keyring, store, batchSize = 200, onBatch } = options;
  const report: RotationReport = { activeKeyId: keyring.active.id, rotated: 0, skipped: 0, unreadable: 0 };
  let afterId: string | null = null;
  for (;;) {
    const rows = await store.findNotSealedWith(keyring.active.id, afterId, batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      const place: KeyPlace = { scope: row.scope, ownerId: row.ownerId, provider: row.provider };
      let plaintext: string;
      try {
        plaintext = open(keyring, row.ciphertext, place);
      } catch (error) {
        if (!(error instanceof VaultDecryptError)) throw error;
        report.unreadable++;
        continue;
      }
      const replaced = await store.replaceCiphertext(row.id, row.ciphertext, {
        ciphertext: seal(keyring, plaintext, place),
        masterKeyId: keyring.active.id,
      });
      if (replaced) report.rotated++;
      else report.skipped++;
    }
    afterId = rows[rows.length - 1]?.id ?? null;
    onBatch?.({ ...report });
  }
  return report;
}
