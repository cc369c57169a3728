// Tells every WeBox instance that something cached in memory changed (a token revoked, a key
// saved), so in-process caches stay exact across instances. On PostgreSQL the notices travel by
// LISTEN/NOTIFY on the database every instance already shares; the embedded PGlite database
// belongs to a single process, so there the bus is local only.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** `'*'` is sent to every subscriber after a reconnection: notices may have been missed. */
export const RESYNC = '*';

/**
 * An account was disabled, re-enabled or deleted, or its role changed (`webox user promote`
 * included); the message is its user id. Whatever an instance caches per user (its access tokens,
 * billing's view of its role) is dropped and read again.
 */
export const ACCOUNT_CHANNEL = 'account';

type Handler = (message: string) => void;

export interface ChangeBus {
  subscribe(channel: string, handler: Handler): void;
  /** Applies locally at once, then reaches the other instances (within a second on PostgreSQL). */
  publish(channel: string, message: string): Promise<void>;
  close(): Promise<void>;
}

const PG_CHANNEL = 'webox_changes';
const RECONNECT_DELAY_MS = 1_000;

interface BusLogger {
  warn(object: Record<string, unknown>, message: string): void;
}

function createHandlers() {
  const handlers = new Map<string, Handler[]>();
  return {
    add(channel: string, handler: Handler) {
      handlers.set(channel, [...(handlers.get(channel) ?? []), handler]);
    },
    deliver(channel: string, message: string) {
      for (const handler of handlers.get(channel) ?? []) handler(message);
    },
    resync() {
      for (const list of handlers.values()) for (const handler of list) handler(RESYNC);
    },
  };
}

export function createLocalBus(): ChangeBus {
  const handlers = createHandlers();
  return {
    subscribe: handlers.add,
    async publish(channel, message) {
      handlers.deliver(channel, message);
    },
    async close() {},
  };
}

export async function createPostgresBus(options: { databaseUrl: string; log: BusLogger }): Promise<ChangeBus> {
  const { databaseUrl, log } = options;
  const handlers = createHandlers();
  const instanceId = randomUUID();
  let listener: pg.Client | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  // Notices are sent on a separate connection from the listener's, reused for every publish.
  const sender = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  sender.on('error', () => {});

  async function connect(isReconnect: boolean) {
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on('notification', (notice) => {
      if (!notice.payload) return;
      try {
        const { from, channel, message } = JSON.parse(notice.payload) as {
          from: string;
          channel: string;
          message: string;
        };
        if (from !== instanceId) handlers.deliver(channel, message);
      } catch {
        // Not ours: ignore.
      }
    });
    const scheduleReconnect = () => {
      if (closed || listener !== client) return;
      listener = null;
      client.end().catch(() => {});
      reconnectTimer = setTimeout(() => void connect(true).catch(() => scheduleRetry()), RECONNECT_DELAY_MS);
    };
    const scheduleRetry = () => {
      if (closed) return;
      reconnectTimer = setTimeout(() => void connect(true).catch(() => scheduleRetry()), RECONNECT_DELAY_MS);
    };
    client.on('error', (error) => {
      log.warn({ err: error }, 'change bus connection lost; reconnecting');
      scheduleReconnect();
    });
    client.on('end', scheduleReconnect);
    await client.connect();
    await client.query(`listen ${PG_CHANNEL}`);
    listener = client;
    // Whatever changed while we were away is unknown: every cache starts over.
    if (isReconnect) handlers.resync();
  }

  await connect(false);

  return {
    subscribe: handlers.add,
    async publish(channel, message) {
      handlers.deliver(channel, message);
      await sender.query('select pg_notify($1, $2)', [
        PG_CHANNEL,
        JSON.stringify({ from: instanceId, channel, message }),
      ]);
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const client = listener;
      listener = null;
      await client?.end().catch(() => {});
      await sender.end().catch(() => {});
    },
  };
}
