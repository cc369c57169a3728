// Personal access tokens for the OpenAI-compatible API: `wbx_` + 32 random bytes (base64url),
// shown once, stored only as a SHA-256 hash. Authentication is on the gateway's hot path, so a
// token seen once is served from memory until it changes: revoking it, or disabling, re-enabling
// or deleting its owner's account, clears it at once here and, through the change bus, on every
// other instance. The owner's state is cached beside the token, so a disabled account's tokens
// are refused without a database read. A read that overlaps such a change is never kept (the
// cached map's generation guard).
import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.ts';
import { readAccountState } from '../auth/account-state.ts';
import { createCachedMap } from '../cache/cached-map.ts';
import { ACCOUNT_CHANNEL, type ChangeBus } from '../cache/change-bus.ts';
import type { Database } from '../db/client.ts';
import { accessToken } from '../db/schema/gateway.ts';
import { commonErrors } from '../errors.ts';
import { gatewayErrors } from './gateway-errors.ts';

export const TOKEN_PREFIX = 'wbx_';
const TOKEN_RANDOM_BYTES = 32;
/** Characters shown to tell tokens apart: `wbx_` and 8 of the random part. */
const DISPLAY_PREFIX_LENGTH = 12;
/** How often "last used" times are written: off the request path, in one batch. */
const LAST_USED_FLUSH_MS = 5_000;
/** A cached token is re-read after this long even without a change notice (a safety net). */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 50_000;
const TOKEN_CHANNEL = 'access-token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenIdentity {
  tokenId: string;
  userId: string;
  /** The token's own requests-per-minute limit, if it has one. */
  requestsPerMinute: number | null;
}

interface CachedToken {
  identity: TokenIdentity | null;
  expiresAt: number | null;
  /** The owner's account is disabled until then (0: it is not; Infinity: until re-enabled). */
  ownerDisabledUntil: number;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const tokenView = (row: typeof accessToken.$inferSelect) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  requestsPerMinute: row.requestsPerMinute ?? null,
});

export function createAccessTokens(options: { db: Database; bus: ChangeBus; audit: AuditTrail }) {
  const { db, bus, audit } = options;
  const cache = createCachedMap<CachedToken>({ load, maxEntries: CACHE_MAX_ENTRIES, ttlMs: CACHE_TTL_MS });
  const lastUsed = new Map<string, Date>();

  // A revocation anywhere drops the token here (the message carries the hash, never the token).
  cache.follow(bus, TOKEN_CHANNEL);
  // An account's state changed anywhere: every token of that owner is read again.
  cache.follow(bus, ACCOUNT_CHANNEL, (userId) => cache.invalidateWhere((entry) => entry.identity?.userId === userId));

  const flushTimer = setInterval(() => void flushLastUsed(), LAST_USED_FLUSH_MS);
  flushTimer.unref();

  async function flushLastUsed() {
    if (lastUsed.size === 0) return;
    const batch = [...lastUsed];
    lastUsed.clear();
    for (const [tokenId, at] of batch) {
      await db
        .update(accessToken)
        .set({ lastUsedAt: at })
        .where(eq(accessToken.id, tokenId))
        .catch(() => {});
    }
  }

  async function load(tokenHash: string): Promise<CachedToken> {
    const [row] = await db
      .select({
        id: accessToken.id,
        userId: accessToken.userId,
        expiresAt: accessToken.expiresAt,
        revokedAt: accessToken.revokedAt,
        requestsPerMinute: accessToken.requestsPerMinute,
      })
      .from(accessToken)
      .where(eq(accessToken.tokenHash, tokenHash));
    const owner = row && !row.revokedAt ? await readAccountState(db, row.userId) : null;
    return {
      identity:
        row && owner ? { tokenId: row.id, userId: row.userId, requestsPerMinute: row.requestsPerMinute ?? null } : null,
      expiresAt: row?.expiresAt?.getTime() ?? null,
      ownerDisabledUntil: owner?.disabledUntil ?? 0,
    };
  }

  return {
    /** The actor is the token's owner: each user creates their own. */
    async create(
      actor: AuditActor & { userId: string },
      input: { name: string; expiresAt?: string | null; requestsPerMinute?: number | null },
    ) {
      const { userId } = actor;
      const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw gatewayErrors.expiryInPast();
      }
      const token = TOKEN_PREFIX + randomBytes(TOKEN_RANDOM_BYTES).toString('base64url');
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(accessToken)
          .values({
            userId,
            name: input.name,
            tokenHash: hashToken(token),
            prefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
            expiresAt,
            requestsPerMinute: input.requestsPerMinute ?? null,
          })
          .returning();
        if (!inserted) throw new Error('token insert returned no row');
        // Neither the token nor its hash: the row names it by id and by the name its owner gave.
        await audit.record(tx, {
          action: 'token.created',
          actor,
          target: { kind: 'access_token', id: inserted.id },
          subjectUserId: userId,
          details: {
            name: inserted.name,
            expiresAt: inserted.expiresAt?.toISOString() ?? null,
            requestsPerMinute: inserted.requestsPerMinute ?? null,
          },
        });
        return inserted;
      });
      const { lastUsedAt: _unused, ...view } = tokenView(row);
      return { ...view, token };
    },

    async list(userId: string) {
      const rows = await db
        .select()
        .from(accessToken)
        .where(and(eq(accessToken.userId, userId), isNull(accessToken.revokedAt)))
        .orderBy(desc(accessToken.createdAt));
      return rows.map(tokenView);
    },

    /** Another user's token answers 404, like a token that does not exist. */
    async revoke(actor: AuditActor & { userId: string }, tokenId: string) {
      const { userId } = actor;
      if (!UUID.test(tokenId)) throw commonErrors.notFound('The token');
      const row = await db.transaction(async (tx) => {
        const [revoked] = await tx
          .update(accessToken)
          .set({ revokedAt: new Date() })
          .where(and(eq(accessToken.id, tokenId), eq(accessToken.userId, userId), isNull(accessToken.revokedAt)))
          .returning({ tokenHash: accessToken.tokenHash, name: accessToken.name });
        if (!revoked) return null;
        await audit.record(tx, {
          action: 'token.revoked',
          actor,
          target: { kind: 'access_token', id: tokenId },
          subjectUserId: userId,
          details: { name: revoked.name },
        });
        return revoked;
      });
      if (!row) throw commonErrors.notFound('The token');
      // Drops the token here at once, then on the other instances.
      await bus.publish(TOKEN_CHANNEL, row.tokenHash);
    },

    /** The hot path: a token seen before costs one hash and one map lookup. */
    async authenticate(token: string): Promise<TokenIdentity | null> {
      if (!token.startsWith(TOKEN_PREFIX) || token.length < TOKEN_PREFIX.length + 43 || token.length > 200) return null;
      const tokenHash = hashToken(token);
      const now = Date.now();
      const entry = await cache.get(tokenHash, now);
      if (!entry.identity) return null;
      if (entry.expiresAt !== null && entry.expiresAt <= now) return null;
      if (entry.ownerDisabledUntil > now) return null;
      lastUsed.set(entry.identity.tokenId, new Date(now));
      return entry.identity;
    },

    async close() {
      clearInterval(flushTimer);
      await flushLastUsed();
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
