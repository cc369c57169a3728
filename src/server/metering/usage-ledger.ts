// The usage ledger: one row per request, written off the request's path. Records queue in memory
// and are written in batches (every FLUSH_INTERVAL_MS, or at BATCH_SIZE rows) in one transaction
// that inserts the events (a request id already written is skipped: one row per request, never
// two) and adds the inserted ones to the daily rollups. A graceful shutdown flushes the queue; a
// crash loses at most one interval's records. The same statement deletes the quota holds of the
// requests it writes: a request's worst case stops being held in the instant its real cost
// counts, so `spent + held` never drops below what was really spent.
//
// A row PostgreSQL refuses for its own data (SQLSTATE class 22 or 23: a NUL in a text, a number out
// of range) must not hold up everyone else's: its batch is split until the row stands alone, and
// that row is set aside (logged with its request id, counted in stats().rejected). Its quota hold,
// if any, stays and is charged at its worst case when it expires, so the call is still paid for.
// Any other failure (the database unreachable) keeps every row queued, and retried.
import type { DatabaseHandle } from '../db/client.ts';
import type { TimeZoneSource } from './periods.ts';
import type { PriceBook } from './price-book.ts';
import { type UsageRecord, type UsageRow, usageRowMaker } from './usage-row.ts';

export const FLUSH_INTERVAL_MS = 1_000;
const BATCH_SIZE = 500;
/** Records kept while the database is unreachable, before the oldest are dropped (and logged). */
const MAX_QUEUE = 100_000;

/** foreign_key_violation: the row's user was deleted while the row waited in the queue. */
const isOrphan = (error: unknown) => (error as { code?: unknown } | null)?.code === '23503';

/** A PostgreSQL refusal of the rows' own data (class 22 data exception, 23 integrity violation). */
function isDataError(error: unknown) {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

const INSERT_BATCH = `
with input as (
  select distinct on (request_id) *
  from unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
              $8::int[], $9::int[], $10::int[], $11::int8[], $12::int8[], $13::int8[], $14::int8[],
              $15::bool[], $16::bool[], $17::int[], $18::text[], $19::int[], $20::int[],
              $21::timestamptz[], $22::date[])
    as t(request_id, user_id, token_id, endpoint, provider, model, key_source,
         input_tokens, output_tokens, cached_input_tokens, cost_microusd,
         input_microusd_per_mtok, output_microusd_per_mtok, cached_input_microusd_per_mtok,
         unpriced, estimated, status, error_code, latency_ms, first_token_ms, created_at, day)
), inserted as (
  insert into usage_event (request_id, user_id, token_id, endpoint, provider, model, key_source,
    input_tokens, output_tokens, cached_input_tokens, cost_microusd,
    input_microusd_per_mtok, output_microusd_per_mtok, cached_input_microusd_per_mtok,
    unpriced, estimated, status, error_code, latency_ms, first_token_ms, created_at)
  select request_id, user_id, token_id, endpoint, provider, model, key_source,
    input_tokens, output_tokens, cached_input_tokens, cost_microusd,
    input_microusd_per_mtok, output_microusd_per_mtok, cached_input_microusd_per_mtok,
    unpriced, estimated, status, error_code, latency_ms, first_token_ms, created_at
  from input
  on conflict (request_id) do nothing
  returning request_id
), released as (
  delete from quota_hold where request_id = any($1::text[])
)
insert into usage_daily as daily (day, user_id, provider, model, key_source, requests, errors,
  input_tokens, output_tokens, cached_input_tokens, cost_microusd)
select day, user_id, provider, model, key_source, count(*), count(*) filter (where status >= 400),
  sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(cost_microusd)
from input join inserted using (request_id)
group by day, user_id, provider, model, key_source
on conflict (day, user_id, provider, model, key_source) do update set
  requests = daily.requests + excluded.requests,
  errors = daily.errors + excluded.errors,
  input_tokens = daily.input_tokens + excluded.input_tokens,
  output_tokens = daily.output_tokens + excluded.output_tokens,
  cached_input_tokens = daily.cached_input_tokens + excluded.cached_input_tokens,
  cost_microusd = daily.cost_microusd + excluded.cost_microusd`;

/** What the ledger tells the metrics (metrics.ts): its batches' times and the rows it could not write. */
export interface LedgerObserver {
  batchWritten(seconds: number): void;
  rowsFailed(outcome: 'retried' | 'rejected' | 'orphaned' | 'dropped', rows: number): void;
}

const unobserved: LedgerObserver = { batchWritten: () => {}, rowsFailed: () => {} };

interface LedgerLogger {
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

export function createUsageLedger(options: {
  query: DatabaseHandle['query'];
  prices: PriceBook;
  /** Where days begin (read at each row: the admin may change it). */
  timezone: TimeZoneSource;
  log: LedgerLogger;
  observer?: LedgerObserver;
}) {
  const { query, prices, log } = options;
  const observer = options.observer ?? unobserved;
  const toRow = usageRowMaker(prices, options.timezone);
  let queue: UsageRow[] = [];
  let flushing: Promise<void> | null = null;
  const counts = { written: 0, rejected: 0, orphaned: 0 };
  /** Writes the holds of requests admitted against a budget lease (their rows must exist first). */
  const holdsFirst: Array<() => Promise<void>> = [];
  /** Told of each batch once written (the detectors: thresholds, spend jumps); never awaited. */
  const written: Array<(rows: readonly UsageRow[]) => void> = [];
  const timer = setInterval(() => void flush(), FLUSH_INTERVAL_MS);
  timer.unref();

  /**
   * One statement per batch: the events go in (a request id already written is skipped, also
   * within the batch) and only the events actually inserted are added to the daily rollups. The
   * rows travel as one array per column (unnest), so the statement's size does not grow with the
   * batch and building it costs next to nothing.
   */
  async function writeBatch(batch: UsageRow[]) {
    const column = <K extends keyof UsageRow>(key: K) => batch.map((row) => row[key]);
    const started = performance.now();
    await query(INSERT_BATCH, [
      column('requestId'),
      column('userId'),
      column('tokenId'),
      column('endpoint'),
      column('provider'),
      column('model'),
      column('keySource'),
      column('inputTokens'),
      column('outputTokens'),
      column('cachedInputTokens'),
      column('costMicrousd'),
      column('inputMicrousdPerMtok'),
      column('outputMicrousdPerMtok'),
      column('cachedInputMicrousdPerMtok'),
      column('unpriced'),
      column('estimated'),
      column('status'),
      column('errorCode'),
      column('latencyMs'),
      column('firstTokenMs'),
      batch.map((row) => row.createdAt.toISOString()),
      column('day'),
    ]);
    // Only the statements that wrote: a refused one is counted by its rows instead.
    observer.batchWritten((performance.now() - started) / 1000);
  }

  /**
   * Writes the rows, setting aside those PostgreSQL refuses for their own data: a refused batch is
   * split in halves until each refused row stands alone (a few statements per bad row). Halves go
   * in order, so the rows done always lead the batch: `progress.done` counts them when another
   * failure (the database unreachable) is thrown, and the rest stays queued.
   */
  async function writeIsolating(rows: UsageRow[], progress: { done: number }) {
    try {
      await writeBatch(rows);
      counts.written += rows.length;
      progress.done += rows.length;
      for (const hook of written) {
        try {
          hook(rows);
        } catch (error) {
          log.warn({ err: error }, 'usage batch watcher failed');
        }
      }
    } catch (error) {
      if (!isDataError(error)) throw error;
      const [only] = rows;
      if (rows.length === 1 && only && isOrphan(error)) {
        // An account deleted while its requests were queued takes its usage with it (the rows
        // cascade): this row has nowhere to go, and nothing is lost that the account still had.
        counts.orphaned++;
        progress.done++;
        observer.rowsFailed('orphaned', 1);
        log.warn({ requestId: only.requestId, userId: only.userId }, 'usage row of a deleted account dropped');
        return;
      }
      if (rows.length === 1 && only) {
        counts.rejected++;
        progress.done++;
        observer.rowsFailed('rejected', 1);
        // The row's text is what the database refused: only its ids and the SQLSTATE are logged.
        log.error(
          { requestId: only.requestId, userId: only.userId, sqlstate: (error as { code: string }).code },
          'usage row refused by the database: set aside (its quota hold, if any, is charged when it expires)',
        );
        return;
      }
      const middle = Math.ceil(rows.length / 2);
      await writeIsolating(rows.slice(0, middle), progress);
      await writeIsolating(rows.slice(middle), progress);
    }
  }

  async function flushOnce() {
    // A hold written after its request's row would be deleted by no one until it expires.
    if (queue.length > 0 && holdsFirst.length > 0)
      await Promise.all(holdsFirst.map((write) => write().catch(() => {})));
    while (queue.length > 0) {
      const batch = queue.slice(0, BATCH_SIZE);
      const progress = { done: 0 };
      try {
        await writeIsolating(batch, progress);
        queue = queue.slice(batch.length);
      } catch (error) {
        queue = queue.slice(progress.done);
        observer.rowsFailed('retried', batch.length - progress.done);
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
        observer.rowsFailed('dropped', dropped);
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
    /** Adds what to await before each write (the budget leases' waiting holds, quota.ts). */
    writeHoldsFirst(write: () => Promise<void>) {
      holdsFirst.push(write);
    },
    /** Calls `hook` after each batch is written (off every request's path; it must not throw). */
    onWritten(hook: (rows: readonly UsageRow[]) => void) {
      written.push(hook);
    },
    /**
     * Rows written (or found already written), set aside, and dropped for a deleted account since
     * start, and rows queued: an
     * operator's view of the ledger's health (`rejected` above zero is logged at error).
     */
    stats: () => ({ ...counts, pending: queue.length }),
    /**
     * Writes these records now, bypassing the queue (expired quota holds); a row refused for its
     * data is set aside like a queued one, an unreachable database throws.
     */
    async writeNow(records: UsageRecord[]) {
      if (records.length > 0) await writeIsolating(records.map(toRow), { done: 0 });
    },
    async close() {
      clearInterval(timer);
      await flush();
      if (queue.length > 0) await flush();
    },
  };
}

export type UsageLedger = ReturnType<typeof createUsageLedger>;
