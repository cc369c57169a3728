// The request log: the usage ledger's rows, newest first, filtered and paged by keyset. A page is
// "the next `limit` rows older than (created_at, request_id) of the last one seen", read from the
// indexes (created_at, request_id) and (user_id, created_at, request_id), or their partial twins
// for failed requests (migration 0014): page 5,000 costs what page 1 does, and rows written while
// someone pages (newer ones) neither repeat nor shift what follows. The cursor is opaque to
// callers: base64url of the last row's instant (milliseconds, the ledger's precision) and id.
import { and, desc, eq, gte, lt, or, type SQL, sql } from 'drizzle-orm';
import type { RequestLogQuery } from '../../shared/request-log.ts';
import type { Database } from '../db/client.ts';
import { usageEvent } from '../db/schema/metering.ts';
import { meteringErrors } from './metering-errors.ts';
import { startOfDay } from './periods.ts';

/** The filters as the log applies them (days already turned into instants). */
export interface RequestLogFilters {
  userId?: string;
  provider?: string;
  model?: string;
  source?: 'personal' | 'global' | 'none';
  status?: 'ok' | 'failed' | number;
  error?: string;
  from?: Date;
  to?: Date;
  estimated?: boolean;
  unpriced?: boolean;
}

export interface RequestLogEntry {
  id: string;
  at: Date;
  userId: string;
  provider: string;
  model: string;
  source: 'personal' | 'global' | 'none';
  inputTokens: number;
  outputTokens: number;
  costMicrousd: number;
  latencyMs: number | null;
  status: number;
  error: string | null;
  estimated: boolean;
  unpriced: boolean;
}

interface Position {
  at: Date;
  id: string;
}

const invalidCursor = meteringErrors.invalidCursor;

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at.getTime(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    parsed[1].length === 0 ||
    parsed[1].length > 200
  ) {
    throw invalidCursor();
  }
  const at = new Date(parsed[0] as number);
  if (Number.isNaN(at.getTime())) throw invalidCursor();
  return { at, id: parsed[1] };
}

/**
 * `from` and `to` as instants: a day (YYYY-MM-DD) is the operator's day, `to` included (up to the
 * next day's start); an instant is taken as is, `to` excluded.
 */
export function resolveInstants(timezone: string, query: Pick<RequestLogQuery, 'from' | 'to'>) {
  const isDay = (value: string) => value.length === 10;
  const nextDay = (day: string) => {
    const [year, month, date] = day.split('-').map(Number) as [number, number, number];
    return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
  };
  const from = query.from ? (isDay(query.from) ? startOfDay(timezone, query.from) : new Date(query.from)) : undefined;
  const to = query.to ? (isDay(query.to) ? startOfDay(timezone, nextDay(query.to)) : new Date(query.to)) : undefined;
  const reversed = query.from && query.to && isDay(query.from) && isDay(query.to) ? query.from > query.to : false;
  if (reversed || (from && to && from > to)) {
    throw meteringErrors.reversedRange('from');
  }
  return { from, to };
}

// The partial indexes' predicate, written as a literal: the planner uses a partial index only when
// it can prove the query implies `status >= 400`, which a bound parameter would not let it.
const FAILED = sql.raw('"usage_event"."status" >= 400');
const OK = sql.raw('"usage_event"."status" < 400');

function conditions(filters: RequestLogFilters, after: Position | null): SQL | undefined {
  const where: Array<SQL | undefined> = [];
  if (filters.userId !== undefined) where.push(eq(usageEvent.userId, filters.userId));
  if (filters.provider !== undefined) where.push(eq(usageEvent.provider, filters.provider));
  if (filters.model !== undefined) {
    // `provider/model` names one provider's model; a bare id matches it on any provider (the
    // model id may itself hold slashes: groq/openai/gpt-oss-120b is Groq's openai/gpt-oss-120b).
    const slash = filters.model.indexOf('/');
    const provider = slash > 0 ? filters.model.slice(0, slash) : null;
    where.push(
      provider
        ? or(
            and(eq(usageEvent.provider, provider), eq(usageEvent.model, filters.model.slice(slash + 1))),
            eq(usageEvent.model, filters.model),
          )
        : eq(usageEvent.model, filters.model),
    );
  }
  if (filters.source !== undefined) where.push(eq(usageEvent.keySource, filters.source));
  if (filters.status === 'ok') where.push(OK);
  else if (filters.status === 'failed') where.push(FAILED);
  else if (typeof filters.status === 'number') {
    where.push(eq(usageEvent.status, filters.status));
    if (filters.status >= 400) where.push(FAILED);
    else where.push(OK);
  }
  if (filters.error !== undefined) where.push(eq(usageEvent.errorCode, filters.error), FAILED);
  if (filters.from) where.push(gte(usageEvent.createdAt, filters.from));
  if (filters.to) where.push(lt(usageEvent.createdAt, filters.to));
  if (filters.estimated !== undefined) where.push(eq(usageEvent.estimated, filters.estimated));
  if (filters.unpriced !== undefined) where.push(eq(usageEvent.unpriced, filters.unpriced));
  // The row comparison is what the (…, created_at, request_id) indexes read from directly.
  if (after)
    where.push(
      sql`(${usageEvent.createdAt}, ${usageEvent.requestId}) < (${after.at.toISOString()}::timestamptz, ${after.id}::text)`,
    );
  return and(...where);
}

export function createRequestLog(db: Database) {
  /** One page, newest first: `limit` rows and the position to continue from (null at the end). */
  async function page(
    filters: RequestLogFilters,
    options: { after: Position | null; limit: number },
  ): Promise<{ rows: RequestLogEntry[]; next: Position | null }> {
    const found = await db
      .select({
        id: usageEvent.requestId,
        at: usageEvent.createdAt,
        userId: usageEvent.userId,
        provider: usageEvent.provider,
        model: usageEvent.model,
        source: usageEvent.keySource,
        inputTokens: usageEvent.inputTokens,
        outputTokens: usageEvent.outputTokens,
        costMicrousd: usageEvent.costMicrousd,
        latencyMs: usageEvent.latencyMs,
        status: usageEvent.status,
        error: usageEvent.errorCode,
        estimated: usageEvent.estimated,
        unpriced: usageEvent.unpriced,
      })
      .from(usageEvent)
      .where(conditions(filters, options.after))
      .orderBy(desc(usageEvent.createdAt), desc(usageEvent.requestId))
      // One more than asked tells whether another page follows, without counting.
      .limit(options.limit + 1);
    const rows = found.slice(0, options.limit).map((row) => ({ ...row, costMicrousd: Number(row.costMicrousd) }));
    const last = rows.at(-1);
    return { rows, next: found.length > options.limit && last ? { at: last.at, id: last.id } : null };
  }

  return {
    page,
    /** Every matching row, page after page (the CSV export: never more than one page in memory). */
    async *all(filters: RequestLogFilters, pageSize = 1_000): AsyncGenerator<RequestLogEntry[]> {
      let after: Position | null = null;
      do {
        const { rows, next } = await page(filters, { after, limit: pageSize });
        if (rows.length > 0) yield rows;
        after = next;
      } while (after);
    },
  };
}

export type RequestLog = ReturnType<typeof createRequestLog>;
