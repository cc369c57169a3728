// A usage record as the ledger writes it: priced at the price in force when the call was made,
// its day in the operator's time zone, and every value made to fit its column, so that no field
// of one request can make the database refuse a batch (defence in depth: the routes already refuse
// what this strips).
import { isSingleLine, toSafeLabel } from '../../shared/text.ts';
import { costMicrousd, type TokenCounts } from './cost.ts';
import type { Endpoint } from './metered-call.ts';
import { currentDayIn, type TimeZoneSource, zoneOf } from './periods.ts';
import type { PriceBook } from './price-book.ts';

const INT_MAX = 2_147_483_647;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Text as the columns can hold it: one line, bounded. */
const safeText = (value: string, max: number) =>
  value.length <= max && isSingleLine(value) ? value : toSafeLabel(value, max);
/** An int4 column's value: finite, whole, within range. */
const safeInt = (value: number) => (Number.isFinite(value) ? Math.min(Math.max(Math.round(value), 0), INT_MAX) : 0);
const safeMicrousd = (value: number) =>
  Number.isFinite(value) ? Math.min(Math.max(Math.round(value), 0), Number.MAX_SAFE_INTEGER) : 0;

export interface UsageRecord {
  requestId: string;
  userId: string;
  tokenId?: string | null;
  endpoint: Endpoint;
  provider: string;
  model: string;
  /** A MeteredCall's source, or none for a call refused before a key was found. */
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
export interface UsageRow {
  requestId: string;
  userId: string;
  tokenId: string | null;
  endpoint: Endpoint;
  provider: string;
  model: string;
  /** A MeteredCall's source, or none for a call refused before a key was found. */
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

/** Turns records into rows with the given prices and the operator's time zone. */
export function usageRowMaker(prices: Pick<PriceBook, 'priceAt'>, timezone: TimeZoneSource) {
  const zone = zoneOf(timezone);
  // One minute-cache per zone: a zone changed by the admin counts from the next row on.
  const days = new Map<string, (at: Date) => string>();
  const toDay = (at: Date) => {
    const current = zone();
    let reader = days.get(current);
    if (!reader) {
      reader = currentDayIn(current);
      days.set(current, reader);
    }
    return reader(at);
  };
  return (record: UsageRecord): UsageRow => {
    const at = record.at ?? new Date();
    const tokens = record.tokens ?? record.estimatedTokens ?? null;
    const price = tokens ? prices.priceAt(record.provider, record.model, at) : null;
    const optionalInt = (value: number | null | undefined) =>
      value === undefined || value === null ? null : safeInt(value);
    return {
      requestId: safeText(record.requestId, 200),
      userId: safeText(record.userId, 200),
      tokenId: record.tokenId && UUID.test(record.tokenId) ? record.tokenId : null,
      endpoint: record.endpoint,
      provider: safeText(record.provider, 64),
      model: safeText(record.model, 200),
      keySource: record.keySource,
      inputTokens: safeInt(tokens?.inputTokens ?? 0),
      outputTokens: safeInt(tokens?.outputTokens ?? 0),
      cachedInputTokens: safeInt(tokens?.cachedInputTokens ?? 0),
      costMicrousd: safeMicrousd(record.heldMicrousd ?? (tokens && price ? costMicrousd(tokens, price) : 0)),
      inputMicrousdPerMtok: price?.inputMicrousdPerMtok ?? null,
      outputMicrousdPerMtok: price?.outputMicrousdPerMtok ?? null,
      cachedInputMicrousdPerMtok: price?.cachedInputMicrousdPerMtok ?? null,
      unpriced: tokens !== null && price === null,
      estimated: record.tokens === null && (record.estimatedTokens ?? null) !== null,
      status: safeInt(record.status),
      errorCode: record.errorCode ? safeText(record.errorCode, 100) : null,
      latencyMs: optionalInt(record.latencyMs),
      firstTokenMs: optionalInt(record.firstTokenMs),
      createdAt: at,
      day: toDay(at),
    };
  };
}
