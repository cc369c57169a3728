// The usage ledger: one row per request, written off the request's path. Records queue in memory
// and are written in batches (every FLUSH_INTERVAL_MS, or at BATCH_SIZE rows) in one transaction
// that inserts the events (a request id already written is skipped: one row per request, never
// two) and adds the inserted ones to the daily rollups. A graceful shutdown flushes the queue; a
// crash loses at most one interval's records.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { usageDaily, usageEvent } from '../db/schema/index.ts';
import { costMicrousd, type TokenCounts } from './cost.ts';
import type { PriceBook } from './price-book.ts';

export const FLUSH_INTERVAL_MS = 1_000;
const BATCH_SIZE = 500;
/** Records kept while the database is unreachable, before the oldest are dropped (and logged). */
const MAX_QUEUE = 100_000;

export interface UsageRecord {
  requestId: string;
  userId: string;
  tokenId?: string | null;
  endpoint: 'chat' | 'gateway';
  provider: string;
  model: string;
  keySource: 'personal' | 'global' | 'none';
  /** The provider's counts, or null when none arrived (refused, failed, or cut). */
  tokens: TokenCounts | null;
  /** Counts estimated locally when the provider's never arrived (marks the row `estimated`). */
  estimatedTokens?: TokenCounts | null;
  status: number;
  errorCode?: string | null;
  latencyMs?: number | null;
  firstTokenMs?: number | null;
  at?: Date;
}

interface LedgerLogger {
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

/** The calendar day of an instant in the operator's time zone, as YYYY-MM-DD. */
export function dayIn(timeZone: string) {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (at: Date) => format.format(at);
}

export function createUsageLedger(options: { db: Database; prices: PriceBook; timezone: string; log: LedgerLogger }) {
  const { db, prices, log } = options;
  const toDay = dayIn(options.timezone);
  let queue: (typeof usageEvent.$inferInsert)[] = [];
  let flushing: Promise<void> | null = null;
  const timer = setInterval(() => void flush(), FLUSH_INTERVAL_MS);
  timer.unref();

  function toRow(record: UsageRecord): typeof usageEvent.$inferInsert {
    const at = record.at ?? new Date();
    const tokens = record.tokens ?? record.estimatedTokens ?? null;
    const price = tokens ? prices.priceAt(record.provider, record.model, at) : null;
    return {
      requestId: record.requestId,
      userId: record.userId,
      tokenId: record.tokenId ?? null,
      endpoint: record.endpoint,
      provider: record.provider,
      model: record.model,
      keySource: record.keySource,
      inputTokens: tokens?.inputTokens ?? 0,
      outputTokens: tokens?.outputTokens ?? 0,
      cachedInputTokens: tokens?.cachedInputTokens ?? 0,
      costMicrousd: tokens && price ? costMicrousd(tokens, price) : 0,
      inputMicrousdPerMtok: price?.inputMicrousdPerMtok ?? null,
      outputMicrousdPerMtok: price?.outputMicrousdPerMtok ?? null,
      cachedInputMicrousdPerMtok: price?.cachedInputMicrousdPerMtok ?? null,
      unpriced: tokens !== null && price === null,
      estimated: record.tokens === null && (record.estimatedTokens ?? null) !== null,
      status: record.status,
      errorCode: record.errorCode ?? null,
      latencyMs: record.latencyMs === undefined || record.latencyMs === null ? null : Math.round(record.latencyMs),
      firstTokenMs:
        record.firstTokenMs === undefined || record.firstTokenMs === null ? null : Math.round(record.firstTokenMs),
      createdAt: at,
    };
  }

  async function writeBatch(batch: (typeof usageEvent.$inferInsert)[]) {
    await db.transaction(async (transaction) => {
      const inserted = await transaction
        .insert(usageEvent)
        .values(batch)
        .onConflictDoNothing({ target: usageEvent.requestId })
        .returning({ requestId: usageEvent.requestId });
      const written = new Set(inserted.map((row) => row.requestId));
      const rollups = new Map<string, typeof usageDaily.$inferInsert>();
      for (const row of batch) {
        if (!written.has(row.requestId)) continue;
        written.delete(row.requestId);
        const day = toDay(row.createdAt as Date);
        const key = [day, row.userId, row.provider, row.model, row.keySource].join('\u0000');
        const rollup = rollups.get(key) ?? {
          day,
          userId: row.userId,
          provider: row.provider,
          model: row.model,
          keySource: row.keySource,
          requests: 0,
          errors: 0,
          inputTokens: 0,
          outputTokens: 0,
          cachedInputTokens: 0,
          costMicrousd: 0,
        };
        rollup.requests = (rollup.requests ?? 0) + 1;
        rollup.errors = (rollup.errors ?? 0) + (row.status >= 400 ? 1 : 0);
        rollup.inputTokens = (rollup.inputTokens ?? 0) + (row.inputTokens ?? 0);
        rollup.outputTokens = (rollup.outputTokens ?? 0) + (row.outputTokens ?? 0);
        rollup.cachedInputTokens = (rollup.cachedInputTokens ?? 0) + (row.cachedInputTokens ?? 0);
        rollup.costMicrousd = (rollup.costMicrousd ?? 0) + (row.costMicrousd ?? 0);
        rollups.set(key, rollup);
      }
      if (rollups.size === 0) return;
      await transaction
        .insert(usageDaily)
        .values([...rollups.values()])
        .onConflictDoUpdate({
          target: [usageDaily.day, usageDaily.userId, usageDaily.provider, usageDaily.model, usageDaily.keySource],
          set: {
            requests: sql`${usageDaily.requests} + excluded.requests`,
            errors: sql`${usageDaily.errors} + excluded.errors`,
            inputTokens: sql`${usageDaily.inputTokens} + excluded.input_tokens`,
            outputTokens: sql`${usageDaily.outputTokens} + excluded.output_tokens`,
            cachedInputTokens: sql`${usageDaily.cachedInputTokens} + excluded.cached_input_tokens`,
            costMicrousd: sql`${usageDaily.costMicrousd} + excluded.cost_microusd`,
          },
        });
    });
  }

  async function flushOnce() {
    while (queue.length > 0) {
      const batch = queue.slice(0, BATCH_SIZE);
      try {
        await writeBatch(batch);
        queue = queue.slice(batch.length);
      } catch (error) {
        log.error({ err: error, pending: queue.length }, 'usage batch could not be written; will retry');
        return;
      }
    }
  }

  function flush(): Promise<void> {
    if (!flushing) {
      flushing = flushOnce().finally(() => {
        flushing = null;
      });
    }
    return flushing;
  }

  return {
    /** Queues one request's usage; costs nothing on the request's path but the arithmetic. */
    record(record: UsageRecord) {
      queue.push(toRow(record));
      if (queue.length > MAX_QUEUE) {
        const dropped = queue.length - MAX_QUEUE;
        queue = queue.slice(dropped);
        log.warn({ dropped }, 'usage queue full: oldest records dropped');
      }
      if (queue.length >= BATCH_SIZE) void flush();
    },
    /** Writes everything queued (tests, shutdown). */
    async flush() {
      await flush();
      if (queue.length > 0) await flush();
    },
    pending: () => queue.length,
    async close() {
      clearInterval(timer);
      await flush();
      if (queue.length > 0) await flush();
    },
  };
}

export type UsageLedger = ReturnType<typeof createUsageLedger>;
