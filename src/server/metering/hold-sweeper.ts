// Holds outlive a process that dies mid-request. A live process pushes its holds' expiry forward
// while their requests run, so only orphans expire, and the sweeper (any instance) charges an
// expired hold at its worst case, flagged estimated, unless the ledger already has the request's
// row. A request is never charged twice (one usage row per request id) and a paid call is never
// left uncharged.
import type { DatabaseHandle } from '../db/client.ts';
import type { KeySource } from './limit-policies.ts';
import { FLUSH_INTERVAL_MS, type UsageLedger } from './usage-ledger.ts';

const EXPIRED = `
select request_id, user_id, token_id, endpoint, provider, model, key_source, input_tokens, output_tokens,
  microusd, created_at
from quota_hold where expires_at < now() order by expires_at limit 500`;

interface SweeperLogger {
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

export function createHoldSweeper(options: {
  database: DatabaseHandle;
  ledger: UsageLedger;
  holdTtlMs: number;
  log: SweeperLogger;
}) {
  const { database, ledger, holdTtlMs, log } = options;
  /** Holds of requests running in this process: their expiry is pushed forward. */
  const running = new Set<string>();

  async function keepAlive() {
    if (running.size === 0) return;
    await database
      .query(
        `update quota_hold set expires_at = now() + $2::int * interval '1 millisecond' where request_id = any($1)`,
        [[...running], holdTtlMs],
      )
      .catch((error) => log.warn({ err: error }, 'quota holds could not be kept alive'));
  }

  /** Charges every expired hold at its worst case (unless its usage row exists) and removes it. */
  async function sweep() {
    // A budget lease its instance stopped renewing is given back: that instance is gone, and the
    // requests it admitted against the slice hold in quota_hold, charged below (budget-lease.ts).
    await database.query('delete from budget_lease where expires_at < now()', []);
    const { rows } = await database.query<{
      request_id: string;
      user_id: string;
      token_id: string | null;
      endpoint: 'chat' | 'gateway';
      provider: string;
      model: string;
      key_source: KeySource;
      input_tokens: number;
      output_tokens: number;
      microusd: string | number;
      created_at: Date | string;
    }>(EXPIRED, []);
    if (rows.length === 0) return 0;
    // One ledger statement: rows already in the ledger are skipped, every listed hold is deleted.
    await ledger.writeNow(
      rows.map((hold) => ({
        requestId: hold.request_id,
        userId: hold.user_id,
        tokenId: hold.token_id,
        endpoint: hold.endpoint,
        provider: hold.provider,
        model: hold.model,
        keySource: hold.key_source,
        tokens: null,
        estimatedTokens: { inputTokens: hold.input_tokens, outputTokens: hold.output_tokens, cachedInputTokens: 0 },
        heldMicrousd: Number(hold.microusd),
        status: 500,
        errorCode: 'hold_expired',
        at: new Date(hold.created_at),
      })),
    );
    log.warn({ holds: rows.length }, 'expired quota holds charged at their worst case (a process stopped mid-request)');
    return rows.length;
  }

  const keepAliveTimer = setInterval(() => void keepAlive(), Math.max(250, Math.floor(holdTtlMs / 3)));
  keepAliveTimer.unref();
  const sweepTimer = setInterval(
    () => void sweep().catch((error) => log.error({ err: error }, 'expired quota holds could not be charged')),
    Math.max(500, Math.min(30_000, Math.floor(holdTtlMs / 2))),
  );
  sweepTimer.unref();

  return {
    /** Keeps a hold of this process alive; returns the release to call when its request ends. */
    keep(requestId: string): () => void {
      running.add(requestId);
      // Kept alive until the ledger has had time to write the request's row (which deletes the
      // hold): a hold expiring in between would be charged at its worst case instead.
      return () => {
        setTimeout(() => running.delete(requestId), 2 * FLUSH_INTERVAL_MS).unref();
      };
    },
    sweep,
    /** Holds this process keeps alive: its calls in flight, and those ended whose row is not written yet. */
    kept: () => running.size,
    close() {
      clearInterval(keepAliveTimer);
      clearInterval(sweepTimer);
    },
  };
}
