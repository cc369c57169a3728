// The usage ledger: one row per request, written off the request's path. Records queue in memory
// and are written in batches (every FLUSH_INTERVAL_MS, or at BATCH_SIZE rows) in one transaction
// that inserts the events (a request id already written is skipped: one row per request, never
// two) and adds the inserted ones to the daily rollups. A graceful shutdown flushes the queue; a
// crash loses at most one interval's records. The same statement deletes the quota holds of the
// requests it writes: a request's worst case stops being held in the instant its real cost
// counts, so `spent + held` never drops below what was really spent.
import type { DatabaseHandle } from '../db/client.ts';
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
  /**
   * An expired quota hold is charged at the worst case it held (DESIGN §10): this cost, not one
   * recomputed from today's price, with estimatedTokens the tokens it held.
   */
  heldMicrousd?: number;
  status: number;
  errorCode?: string | null;
  latencyMs?: number | null;
  firstTokenMs?: number | null;
  at?: Date;
}

/** A usage_event row as queued, with its day in the operator's time zone. */
interface QueuedEvent {
  requestId: string;
  userId: string;
  tokenId: string | null;
  endpoint: 'chat' | 'gateway';
  provider: string;
  model: string;
  keySource: 'personal' | 'global' | 'none';
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costMicrousd: number;
  inputMicrousdPerMtok: number | null;
  outputMicrousdPerMtok: number | null;
  cachedInputMicrousdPerMtok: number | null;
  unpriced: boolean;
  estimated: boolean;
  status: number;
  errorCode: string | null;
  latencyMs: number | null;
  firstTokenMs: number | null;
  createdAt: Date;
  day: string;
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
  -- An account deleted while its requests were queued (better-auth's admin remove-user) takes its
  -- usage with it; its rows must not fail the whole batch, forever.
  where exists (select 1 from "user" u where u.id = input.user_id)
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

interface LedgerLogger {
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

/** The calendar day of an instant in the operator's time zone, as YYYY-MM-DD. */
export function dayIn(timeZone: string) {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (at: Date) => format.format(at);
}

export function createUsageLedger(options: {
  query: DatabaseHandle['query'];
  prices: PriceBook;
  timezone: string;
  log: LedgerLogger;
}) {
  const { query, prices, log } = options;
  const toDay = dayIn(options.timezone);
  let queue: QueuedEvent[] = [];
  let flushing: Promise<void> | null = null;
  const timer = setInterval(() => void flush(), FLUSH_INTERVAL_MS);
  timer.unref();

  function toRow(record: UsageRecord): QueuedEvent {
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
      costMicrousd: record.heldMicrousd ?? (tokens && price ? costMicrousd(tokens, price) : 0),
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
      day: toDay(at),
    };
  }

  /**
   * One statement per batch: the events go in (a request id already written is skipped, also
   * within the batch) and only the events actually inserted are added to the daily rollups. The
   * rows travel as one array per column (unnest), so the statement's size does not grow with the
   * batch and building it costs next to nothing.
   */
  async function writeBatch(batch: QueuedEvent[]) {
    const column = <K extends keyof QueuedEvent>(key: K) => batch.map((row) => row[key]);
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
    /** Writes these records now, in one statement, bypassing the queue (expired quota holds). */
    async writeNow(records: UsageRecord[]) {
      if (records.length > 0) await writeBatch(records.map(toRow));
    },
    async close() {
      clearInterval(timer);
      await flush();
      if (queue.length > 0) await flush();
    },
  };
}

export type UsageLedger = ReturnType<typeof createUsageLedger>;
