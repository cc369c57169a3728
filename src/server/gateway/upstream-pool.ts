// Pooled keep-alive connections to OpenAI-compatible upstreams (undici), one pool per origin.
// The gateway's pass-through path uses these instead of fetch: measured several times cheaper.
import { Pool } from 'undici';

const CONNECTIONS_PER_ORIGIN = 128;

export function createUpstreamPools() {
  const pools = new Map<string, Pool>();
  return {
    /** The pool for a base URL and the path prefix its requests start with (`/v1`). */
    forBaseUrl(baseUrl: string): { pool: Pool; basePath: string } {
      const url = new URL(baseUrl);
      let pool = pools.get(url.origin);
      if (!pool) {
        pool = new Pool(url.origin, {
          connections: CONNECTIONS_PER_ORIGIN,
          pipelining: 1,
          keepAliveTimeout: 30_000,
        });
        pools.set(url.origin, pool);
      }
      return { pool, basePath: url.pathname.replace(/\/+$/, '') };
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  };
}

export type UpstreamPools = ReturnType<typeof createUpstreamPools>;
