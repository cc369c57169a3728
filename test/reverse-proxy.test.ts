// Behind a reverse proxy every request comes from the proxy's address. WEBOX_TRUST_PROXY says whose
// X-Forwarded-For to believe, so per-address limits and the sessions' addresses name the real
// client; unset, a client cannot pick its own address by sending the header.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { uniqueEmail } from './helpers/client.ts';

/** One app per configuration, made before its tests (a new database takes seconds). */
function appWith(env: Record<string, string>) {
  const holder: { current?: TestApp } = {};
  beforeAll(async () => {
    holder.current = await createTestApp(env);
  });
  afterAll(async () => {
    await holder.current?.close();
  });
  return () => {
    if (!holder.current) throw new Error('the app was not made');
    return holder.current.app;
  };
}

/** Signs up from `remoteAddress` with the forwarded header, and reads the address the session kept. */
async function sessionAddress(app: TestApp['app'], remoteAddress: string, forwardedFor: string) {
  const email = uniqueEmail('proxy');
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/sign-up/email',
    remoteAddress,
    headers: { origin: app.config.publicUrl, 'x-forwarded-for': forwardedFor },
    payload: { name: 'Proxy', email, password: 'correct horse battery staple' },
  });
  expect(response.statusCode).toBe(200);
  const result = await app.database.db.execute(
    sql`select s.ip_address from session s join "user" u on u.id = s.user_id where u.email = ${email}`,
  );
  return (result as unknown as { rows: { ip_address: string | null }[] }).rows[0]?.ip_address;
}

/** Failed sign-ins from one forwarded address until WeBox throttles that address. */
async function failedSignIn(app: TestApp['app'], forwardedFor: string, email: string) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/sign-in/email',
    remoteAddress: '127.0.0.1',
    headers: { origin: app.config.publicUrl, 'x-forwarded-for': forwardedFor },
    payload: { email, password: 'not the password at all' },
  });
}

describe('without WEBOX_TRUST_PROXY', () => {
  const app = appWith({});
  it('ignores X-Forwarded-For', async () => {
    expect(await sessionAddress(app(), '127.0.0.1', '203.0.113.7')).toBe('127.0.0.1');
  });
});

describe('WEBOX_TRUST_PROXY=loopback', () => {
  const app = appWith({ WEBOX_TRUST_PROXY: 'loopback' });
  it('believes the named proxy, and only it', async () => {
    expect(await sessionAddress(app(), '127.0.0.1', '203.0.113.7')).toBe('203.0.113.7');
    // A client that reaches WeBox directly, not through the proxy, keeps its own address.
    expect(await sessionAddress(app(), '192.0.2.50', '203.0.113.8')).toBe('192.0.2.50');
  });
});

describe('WEBOX_TRUST_PROXY=1', () => {
  const app = appWith({ WEBOX_TRUST_PROXY: '1' });
  it('takes the address the nearest proxy saw', async () => {
    // The client sent its own (false) header; the proxy appended the address it really saw.
    expect(await sessionAddress(app(), '127.0.0.1', '198.51.100.66, 203.0.113.9')).toBe('203.0.113.9');
  });
});

describe('WEBOX_TRUST_PROXY=127.0.0.1', () => {
  const app = appWith({ WEBOX_TRUST_PROXY: '127.0.0.1' });
  it('throttles password guessing per real client behind the proxy, not per proxy', async () => {
    // One guesser trying many accounts from one address: the address limit (50 failures) stops it.
    let refused = 0;
    for (let attempt = 0; attempt < 60; attempt++) {
      const response = await failedSignIn(app(), '203.0.113.20', uniqueEmail('guess'));
      if (response.statusCode === 429) refused++;
    }
    expect(refused).toBeGreaterThan(0);
    // Someone else behind the same proxy is not refused for it.
    const other = await failedSignIn(app(), '203.0.113.21', uniqueEmail('other'));
    expect(other.statusCode).toBe(401);
  });
});
