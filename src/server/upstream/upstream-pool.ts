// Pooled keep-alive connections to OpenAI-compatible upstreams (undici), one pool per origin.
// The gateway's pass-through path uses these instead of fetch: measured several times cheaper.
//
// The pools have no connection limit. A limit is a queue shared by every user: with 128
// connections, two accounts holding 138 slow streams made everyone else's request wait for one
// of them to end. What bounds the connections instead is what bounds the requests: each model
// call holds at most one connection, each user may have WEBOX_MAX_IN_FLIGHT_PER_USER calls
// running (metering/admission.ts), and every call is also an open client connection to this
// server. Idle connections close after keepAliveTimeout, so a burst does not leave them open.
import { Pool } from 'undici';

const UNLIMITED_CONNECTIONS = null;

export function createUpstreamPools() {
  const pools = new Map<string, Pool>();
  // Base URLs come from the configuration (one per provider): each is parsed once, not per call.
  const targets = new Map<string, { pool: Pool; basePath: string }>();
  return {
    /** The pool for a base URL and the path prefix its requests start with (`/v1`). */
    forBaseUrl(baseUrl: string): { pool: Pool; basePath: string } {
      const known = targets.get(baseUrl);
      if (known) return known;
      const url = new URL(baseUrl);
      let pool = pools.get(url.origin);
      if (!pool) {
        pool = new Pool(url.origin, {
          connections: UNLIMITED_CONNECTIONS,
          pipelining: 1,
          keepAliveTimeout: 30_000,
        });
        pools.set(url.origin, pool);
      }
      const target = { pool, basePath: url.pathname.replace(/\/+$/, '') };
      targets.set(baseUrl, target);
      return target;
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
      targets.clear();
    },
  };
}

export type UpstreamPools = ReturnType<typeof createUpstreamPools>;
