// Runs once before the suite. A pass told to use PostgreSQL or Redis (DATABASE_URL, REDIS_URL)
// must reach them: an unreachable service fails the run instead of being skipped silently.
import net from 'node:net';
import pg from 'pg';

async function checkPostgres(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  await client.query('select 1');
  await client.end();
}

/** A bare RESP PING: WeBox has no Redis client yet, and this needs none. */
function checkRedis(url: string) {
  const { hostname, port } = new URL(url);
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    socket.setTimeout(5000, () => socket.destroy(new Error('timed out')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      if (data.toString().startsWith('+PONG')) resolve();
      else reject(new Error(`unexpected answer ${data.toString().slice(0, 40)}`));
    });
  });
}

export default async function setup() {
  const checks: Array<[string, string | undefined, (url: string) => Promise<void>]> = [
    ['DATABASE_URL', process.env.DATABASE_URL, checkPostgres],
    ['REDIS_URL', process.env.REDIS_URL, checkRedis],
  ];
  for (const [name, url, check] of checks) {
    if (!url) continue;
    try {
      await check(url);
    } catch (error) {
      throw new Error(`${name} is set but cannot be reached (${(error as Error).message}); refusing to skip silently.`);
    }
  }
}
