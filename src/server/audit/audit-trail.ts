// The audit trail's writing side. A change that matters writes its row with record(tx, …) inside
// the change's own transaction: if the row cannot be written the change rolls back with it, and a
// change that rolls back leaves no row. Events that change nothing (a failed sign-in, a refused key)
// use recordNow(). Secrets never enter a row: details are scalars checked here, and a key is told
// apart from another by fingerprint(), an HMAC under a random key of WeBox's own (sealed with the
// master key like the provider keys, and re-sealed by rotation), so the trail says "the same key
// as before" without holding anything that opens or reveals it.
import { createHmac, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { AuditAction, AuditDetails, AuditOutcome, AuditTargetKind } from '../../shared/audit.ts';
import type { Database } from '../db/client.ts';
import { auditEvent, auditSettings } from '../db/schema/audit.ts';
import { type KeyPlace, type Keyring, open, seal } from '../vault/crypto.ts';
import type { SealedValues } from '../vault/vault-rotation.ts';

/** Who did it, from where (auditActor(request) builds it from a request). */
export interface AuditActor {
  userId: string | null;
  email: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** WeBox itself (the retention expiry, a sweeper, the CLI): no account, no address. */
export const SYSTEM_ACTOR: AuditActor = { userId: null, email: null, ip: null, userAgent: null };

export interface AuditEntry {
  action: AuditAction;
  actor: AuditActor;
  target?: { kind: AuditTargetKind; id: string } | null;
  /** The account the event is about; it is shown in that user's security events. */
  subjectUserId?: string | null;
  outcome?: AuditOutcome;
  details?: AuditDetails;
}

export interface AuditTrail {
  /** Writes the row in the caller's transaction (a failure throws, and rolls the change back). */
  record(tx: Database, entry: AuditEntry): Promise<void>;
  /** Writes the row on its own, for an event that changes nothing else (a failed sign-in). */
  recordNow(entry: AuditEntry): Promise<void>;
  /** A keyed fingerprint of a secret (16 hex characters): equal for the same secret, nothing more. */
  fingerprint(secret: string): Promise<string>;
  /** The sealed fingerprint key, for the vault's rotation to re-seal. */
  sealed: SealedValues;
}

const SETTINGS_ID = 1;
/** Where the fingerprint key's ciphertext belongs: it opens nowhere else. */
const FINGERPRINT_PLACE: KeyPlace = { scope: 'global', ownerId: null, provider: 'audit-fingerprint-key' };
const MAX_TEXT = 512;
const MAX_DETAILS = 24;

/** Bounded, printable text: a user agent or an address is the client's to choose. */
function clip(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  // Control characters would let a client forge a line in a CSV export or a terminal.
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return clean === '' ? null : clean.slice(0, MAX_TEXT);
}

function checkDetails(details: AuditDetails | undefined): AuditDetails {
  if (!details) return {};
  const entries = Object.entries(details);
  if (entries.length > MAX_DETAILS) throw new TypeError('audit details: too many fields');
  const clean: AuditDetails = {};
  for (const [name, value] of entries) {
    if (!/^[a-zA-Z][a-zA-Z0-9_]{0,40}$/.test(name)) throw new TypeError(`audit details: bad field name ${name}`);
    if (value !== null && typeof value === 'object') throw new TypeError(`audit details: ${name} is not a scalar`);
    clean[name] = typeof value === 'string' ? clip(value) : value;
  }
  return clean;
}

export function createAuditTrail(options: { db: Database; keyring: Keyring }): AuditTrail {
  const { db, keyring } = options;
  let fingerprintKey: Promise<Buffer> | null = null;

  function rowOf(entry: AuditEntry): typeof auditEvent.$inferInsert {
    return {
      action: entry.action,
      outcome: entry.outcome ?? 'success',
      actorId: entry.actor.userId,
      actorEmail: clip(entry.actor.email),
      ip: clip(entry.actor.ip),
      userAgent: clip(entry.actor.userAgent),
      targetKind: entry.target?.kind ?? null,
      targetId: entry.target ? clip(entry.target.id) : null,
      subjectUserId: entry.subjectUserId ?? null,
      details: checkDetails(entry.details),
    };
  }

  /** The fingerprint key, made on first use; two instances racing keep the first one written. */
  async function loadFingerprintKey(): Promise<Buffer> {
    const read = async () => {
      const [row] = await db
        .select({ sealed: auditSettings.fingerprintKeySealed })
        .from(auditSettings)
        .where(eq(auditSettings.id, SETTINGS_ID));
      return row?.sealed ?? null;
    };
    let sealed = await read();
    if (!sealed) {
      const fresh = seal(keyring, randomBytes(32).toString('base64'), FINGERPRINT_PLACE);
      await db
        .insert(auditSettings)
        .values({ id: SETTINGS_ID, fingerprintKeySealed: fresh })
        .onConflictDoNothing({ target: auditSettings.id });
      // A row that existed without a key (retention set first) gets one, unless another won.
      await db
        .update(auditSettings)
        .set({ fingerprintKeySealed: fresh })
        .where(and(eq(auditSettings.id, SETTINGS_ID), isNull(auditSettings.fingerprintKeySealed)));
      sealed = await read();
    }
    if (!sealed) throw new Error('audit fingerprint key could not be stored');
    return Buffer.from(open(keyring, sealed, FINGERPRINT_PLACE), 'base64');
  }

  return {
    async record(tx, entry) {
      await tx.insert(auditEvent).values(rowOf(entry));
    },
    async recordNow(entry) {
      await db.insert(auditEvent).values(rowOf(entry));
    },
    async fingerprint(secret) {
      fingerprintKey ??= loadFingerprintKey().catch((error) => {
        fingerprintKey = null;
        throw error;
      });
      const key = await fingerprintKey;
      return createHmac('sha256', key).update(secret, 'utf8').digest('hex').slice(0, 16);
    },
    sealed: {
      async list() {
        const [row] = await db
          .select({ sealed: auditSettings.fingerprintKeySealed })
          .from(auditSettings)
          .where(eq(auditSettings.id, SETTINGS_ID));
        return row?.sealed ? [{ id: String(SETTINGS_ID), ciphertext: row.sealed, place: FINGERPRINT_PLACE }] : [];
      },
      async replace(_id, previous, next) {
        const updated = await db
          .update(auditSettings)
          .set({ fingerprintKeySealed: next })
          .where(and(eq(auditSettings.id, SETTINGS_ID), eq(auditSettings.fingerprintKeySealed, previous)))
          .returning({ id: auditSettings.id });
        return updated.length > 0;
      },
    },
  };
}
