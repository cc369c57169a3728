// Accounts under attack (issue 10, items 2, 7, 8 and 9 on one instance): a disabled or deleted
// account keeps no credential; the sign-in throttle and the allow-list see the one path better-auth
// runs, however it is spelled; only the better-auth endpoints the product uses are reachable; the
// last active admin cannot be taken away.
import { connect } from 'node:net';
import { admin as adminPlugin } from 'better-auth/plugins';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALLOWED_AUTH_ENDPOINTS } from '../src/server/auth/auth-paths.ts';
import { ACCOUNT_FAILURES } from '../src/server/auth/sign-in-throttle.ts';
import { session, user } from '../src/server/db/schema/index.ts';
import { promoteUserByEmail } from '../src/server/users/user-service.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signIn, signUp, uniqueEmail } from './helpers/client.ts';
import { makeKey } from './helpers/keys.ts';

let fakes: FakeUpstreams;
let test: TestApp;
let port: number;
let admin: Client;
let adminId: string;

beforeAll(async () => {
  fakes = await startFakeUpstreams();
  test = await createTestApp(fakes.env);
  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const address = test.app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  admin = await signUp(test.app, { name: 'First Admin' });
  adminId = (await admin.get('/api/me')).json().id;
  expect((await admin.put('/api/admin/keys/openai', { apiKey: makeKey.openai() })).statusCode).toBe(200);
});

beforeEach(() => fakes.reset());

afterAll(async () => {
  await test?.close();
  await fakes?.close();
});

const idOf = async (client: Client) => (await client.get('/api/me')).json().id as string;

async function tokenFor(client: Client) {
  const response = await client.post('/api/tokens', { name: 'script' });
  expect(response.statusCode).toBe(201);
  return response.json().token as string;
}

const models = (token: string) =>
  test.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${token}` } });

const complete = (token: string) =>
  test.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${token}` },
    payload: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] },
  });

describe('2. disabled and deleted accounts', () => {
  it("a disabled account's tokens answer 401 invalid_token at once (cached or not), and work again once re-enabled", async () => {
    const user = await signUp(test.app);
    const id = await idOf(user);
    const seen = await tokenFor(user);
    const unseen = await tokenFor(user);
    // Seen twice: the second answer comes from the instance's memory.
    expect((await models(seen)).statusCode).toBe(200);
    expect((await complete(seen)).statusCode).toBe(200);

    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: true })).json()).toMatchObject({ disabled: true });
    fakes.reset();
    for (const token of [seen, unseen]) {
      const listed = await models(token);
      expect(listed.statusCode).toBe(401);
      expect(listed.json().error.code).toBe('invalid_token');
      const refused = await complete(token);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error.code).toBe('invalid_token');
    }
    // Not one call reached the provider with the operator's key.
    expect(fakes.requests()).toHaveLength(0);

    await admin.patch(`/api/admin/users/${id}`, { disabled: false });
    expect((await models(seen)).statusCode).toBe(200);
    expect((await complete(unseen)).statusCode).toBe(200);
  });

  it('a ban set with an end (better-auth banExpires) refuses tokens until it ends, not after', async () => {
    const user = await signUp(test.app);
    const id = await idOf(user);
    const future = await tokenFor(user);
    const db = test.app.database.db;
    await db
      .update(userTable)
      .set({ banned: true, banExpires: new Date(Date.now() + 60 * 60_000) })
      .where(eq(userTable.id, id));
    expect((await models(future)).statusCode).toBe(401);

    const other = await signUp(test.app);
    const otherId = await idOf(other);
    const past = await tokenFor(other);
    await db
      .update(userTable)
      .set({ banned: true, banExpires: new Date(Date.now() - 60_000) })
      .where(eq(userTable.id, otherId));
    expect((await models(past)).statusCode).toBe(200);
  });

  it("a disabled account's existing cookie answers 401 on every /api route, and it cannot sign in", async () => {
    const user = await signUp(test.app);
    const id = await idOf(user);
    await admin.patch(`/api/admin/users/${id}`, { disabled: true });
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/me'],
      ['GET', '/api/keys'],
      ['PUT', '/api/keys/openai', { apiKey: makeKey.openai() }],
      ['GET', '/api/tokens'],
      ['POST', '/api/tokens', { name: 'after' }],
      ['GET', '/api/providers'],
      ['POST', '/api/chat', { provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }],
      ['GET', '/api/conversations'],
      ['GET', '/api/usage'],
    ];
    for (const [method, url, payload] of routes) {
      const response = await user.request({ method: method as 'GET', url, payload: payload as never });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
    // better-auth sees no session any more either.
    expect((await user.get('/api/auth/get-session')).json()).toBeNull();
    const sessions = await test.app.database.db.select().from(session).where(eq(session.userId, id));
    expect(sessions).toEqual([]);
    expect((await signIn(test.app, user.email, user.password)).response.statusCode).toBe(403);
  });

  it("a deleted account's token answers 401 at once, though it was cached; its rows are gone", async () => {
    const user = await signUp(test.app);
    const id = await idOf(user);
    const token = await tokenFor(user);
    expect((await models(token)).statusCode).toBe(200);
    expect((await models(token)).statusCode).toBe(200);

    const deleted = await admin.delete(`/api/admin/users/${id}`);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    const refused = await models(token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('invalid_token');
    expect((await complete(token)).statusCode).toBe(401);
    expect(fakes.requests()).toHaveLength(0);
    expect((await user.get('/api/me')).statusCode).toBe(401);
    const listed = (await admin.get('/api/admin/users')).json().users as Array<{ id: string }>;
    expect(listed.map((row) => row.id)).not.toContain(id);
    expect(await test.app.database.db.select().from(userTable).where(eq(userTable.id, id))).toEqual([]);

    const again = await admin.delete(`/api/admin/users/${id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('not_found');
  });

  it('DELETE /api/admin/users/:id refuses self (400), unknown ids (404), users (403) and anonymous callers (401)', async () => {
    const self = await admin.delete(`/api/admin/users/${adminId}`);
    expect(self.statusCode).toBe(400);
    expect(self.json().error.code).toBe('cannot_change_self');
    expect((await admin.get('/api/me')).statusCode).toBe(200);

    expect((await admin.delete('/api/admin/users/no-such-user')).json().error.code).toBe('not_found');
    const user = await signUp(test.app);
    const forbidden = await user.delete(`/api/admin/users/${adminId}`);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');
    const anonymousCall = await anonymous(test.app).delete(`/api/admin/users/${adminId}`);
    expect(anonymousCall.statusCode).toBe(401);
    expect(anonymousCall.json().error.code).toBe('unauthenticated');
  });
});

// Sends the request target exactly as written (app.inject and fetch both normalise it), from a
// loopback address of its own so that per-address limits stay out of the way.
let loopbackHost = 10;
function rawRequest(method: string, target: string, body?: unknown, headers: Record<string, string> = {}) {
  loopbackHost++;
  const payload = body === undefined ? '' : JSON.stringify(body);
  return new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      localAddress: `127.0.${loopbackHost >> 8}.${loopbackHost & 255}`,
    });
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', ...rest] = received.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body: rest.join('\r\n\r\n') });
    });
    const lines = [
      `${method} ${target} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      `Origin: ${test.app.config.publicUrl}`,
      'Connection: close',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      ...(payload ? ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(payload)}`] : []),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n${payload}`, 'latin1');
  });
}

/** Every other spelling of `path` we could think of, and the ones built from them. */
function aliasesOf(path: string): string[] {
  const segments = path.split('/').slice(1);
  const base = segments.slice(0, 2); // api, auth
  const route = segments.slice(2);
  const inserts = ['.', '%2e', '%2E', 'x/..', 'x/%2e%2e', 'x/%2E%2E', 'x/.%2e', '', '.%2F..'];
  const aliases = new Set<string>();
  // A dot segment (or a doubled slash) before each segment of the route.
  for (let at = 0; at <= route.length; at++) {
    for (const insert of inserts) {
      aliases.add(`/${[...base, ...route.slice(0, at), insert, ...route.slice(at)].join('/')}`);
    }
  }
  // Each separator as a backslash, or an escaped slash.
  for (let at = 1; at < segments.length; at++) {
    for (const separator of ['\\', '%2f', '%2F', '%5c']) {
      aliases.add(`/${segments.slice(0, at).join('/')}${separator}${segments.slice(at).join('/')}`);
    }
  }
  // A letter escaped, a segment in other case.
  for (const [index, segment] of route.entries()) {
    const spelled = [...route];
    spelled[index] = `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}`;
    aliases.add(`/${[...base, ...spelled].join('/')}`);
    spelled[index] = segment.toUpperCase();
    aliases.add(`/${[...base, ...spelled].join('/')}`);
    spelled[index] = segment[0]?.toUpperCase() + segment.slice(1);
    aliases.add(`/${[...base, ...spelled].join('/')}`);
  }
  for (const tail of ['/', '/.', '/%2e', '//', '#x', '%00', '%20', ';x', '/x/..']) aliases.add(`${path}${tail}`);
  aliases.add(`/api/auth/../auth/${route.join('/')}`);
  aliases.add(`/api/auth/%2e%2e/auth/${route.join('/')}`);
  aliases.add(`http://127.0.0.1:${port}${path}`);
  aliases.add(`//127.0.0.1:${port}${path}`);
  aliases.delete(path);
  return [...aliases];
}

describe('7. auth paths: one spelling per route', () => {
  it('builds many aliases of a path', () => {
    const aliases = aliasesOf('/api/auth/sign-in/email');
    expect(aliases.length).toBeGreaterThan(50);
    expect(aliases).toContain('/api/auth/./sign-in/email');
    expect(aliases).toContain('/api/auth/x/../sign-in/email');
  });

  it('a locked account stays locked through every other spelling of sign-in; none of them runs or counts', async () => {
    const email = uniqueEmail('locked');
    const password = 'the right password';
    await signUp(test.app, { email, password });
    for (let attempt = 0; attempt < ACCOUNT_FAILURES; attempt++) {
      expect((await signIn(test.app, email, 'a wrong password')).response.statusCode).toBe(401);
    }
    expect((await signIn(test.app, email, password)).response.statusCode).toBe(429);

    for (const target of aliasesOf('/api/auth/sign-in/email')) {
      const response = await rawRequest('POST', target, { email, password });
      // 404 from WeBox (or 400 when Node's parser refuses the target itself): never a session.
      expect([400, 404], `${target} answered ${response.status} ${response.body}`).toContain(response.status);
      expect(response.headers, target).not.toMatch(/session_token=[^;]/);
    }
    // A query string is not another path: the canonical route, still locked.
    expect((await rawRequest('POST', '/api/auth/sign-in/email?x=1', { email, password })).status).toBe(429);
  });

  it('failures sent through other spellings are not run, so they cannot be used to guess uncounted', async () => {
    const email = uniqueEmail('guessed');
    const password = 'the right password';
    await signUp(test.app, { email, password });
    for (const target of aliasesOf('/api/auth/sign-in/email').slice(0, 20)) {
      const response = await rawRequest('POST', target, { email, password });
      expect([400, 404], target).toContain(response.status);
    }
    expect((await signIn(test.app, email, password)).response.statusCode).toBe(200);
  });

  it('other routes have one spelling too: sign-up and the session', async () => {
    for (const target of aliasesOf('/api/auth/sign-up/email').slice(0, 30)) {
      const email = uniqueEmail('alias');
      const response = await rawRequest('POST', target, { name: 'Alias', email, password: 'long enough password' });
      expect([400, 404], target).toContain(response.status);
      expect(await test.app.database.db.select().from(userTable).where(eq(userTable.email, email))).toEqual([]);
    }
    for (const target of aliasesOf('/api/auth/get-session').slice(0, 30)) {
      const response = await rawRequest('GET', target, undefined, { Cookie: admin.cookie });
      expect([400, 404], target).toContain(response.status);
    }
    const refused = await rawRequest('POST', '/api/auth/./sign-in/email', { email: admin.email, password: 'x' });
    expect(JSON.parse(refused.body)).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
  });
});

/** Every route better-auth serves with this configuration, from its own endpoint objects. */
function betterAuthRoutes() {
  const routes: Array<{ method: string; path: string }> = [];
  for (const endpoint of Object.values(test.app.auth.api) as Array<{
    path?: string;
    options?: { method?: string | string[] };
  }>) {
    if (!endpoint.path || !endpoint.options?.method) continue;
    const methods = Array.isArray(endpoint.options.method) ? endpoint.options.method : [endpoint.options.method];
    for (const method of methods.flatMap((entry) => (entry === '*' ? ['GET', 'POST'] : [entry]))) {
      routes.push({ method, path: endpoint.path.replace(/:\w+/g, 'x') });
    }
  }
  return routes;
}

const userTable = user;

describe("8. better-auth's endpoints: only the ones the product uses", () => {
  it("every admin-plugin endpoint answers 404 to an admin's cookie, and does nothing", async () => {
    const victim = await signUp(test.app);
    const victimId = await idOf(victim);
    const bodies: Record<string, unknown> = {
      '/admin/impersonate-user': { userId: victimId },
      '/admin/set-user-password': { userId: victimId, newPassword: 'taken over password' },
      '/admin/set-role': { userId: adminId, role: 'user' },
      '/admin/remove-user': { userId: victimId },
      '/admin/ban-user': { userId: victimId },
      '/admin/unban-user': { userId: victimId },
      '/admin/revoke-user-sessions': { userId: victimId },
      '/admin/create-user': { email: uniqueEmail('made'), password: 'long enough password', name: 'Made' },
      '/admin/update-user': { userId: victimId, data: { name: 'Renamed' } },
      '/admin/has-permission': { permissions: { user: ['list'] } },
    };
    const adminPaths = Object.values(adminPlugin().endpoints).map((endpoint) => endpoint.path);
    expect(adminPaths.length).toBeGreaterThanOrEqual(15);
    const routes = betterAuthRoutes();
    for (const path of adminPaths) expect(routes.map((route) => route.path)).toContain(path);

    for (const route of routes.filter(({ path }) => path.startsWith('/admin/'))) {
      const url = `/api/auth${route.path}${route.method === 'GET' ? `?id=${victimId}&userId=${victimId}` : ''}`;
      const response = await admin.request({
        method: route.method as 'GET' | 'POST',
        url,
        payload: route.method === 'GET' ? undefined : ((bodies[route.path] ?? {}) as never),
      });
      expect(response.statusCode, `${route.method} ${route.path}`).toBe(404);
      expect(response.json(), route.path).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
      expect(response.headers['set-cookie'] ?? '', route.path).toBe('');
    }

    // Nothing happened: the admin is still one, the victim still exists with her password, unbanned.
    expect((await admin.get('/api/me')).json().role).toBe('admin');
    expect((await victim.get('/api/me')).statusCode).toBe(200);
    expect((await signIn(test.app, victim.email, victim.password)).response.statusCode).toBe(200);
    const [row] = await test.app.database.db.select().from(userTable).where(eq(userTable.id, victimId));
    expect(row).toMatchObject({ banned: false, name: victim.email.split('@')[0] });
    const impersonations = (await test.app.database.db.select().from(session)).filter((row) => row.impersonatedBy);
    expect(impersonations).toEqual([]);
  });

  it('every other better-auth endpoint outside the allow-list answers 404 too', async () => {
    const allowed = new Set(ALLOWED_AUTH_ENDPOINTS.map(({ method, path }) => `${method} ${path}`));
    const others = betterAuthRoutes().filter((route) => !allowed.has(`${route.method} ${route.path}`));
    expect(others.length).toBeGreaterThan(30);
    for (const route of others) {
      const response = await admin.request({
        method: route.method as 'GET' | 'POST',
        url: `/api/auth${route.path}`,
        payload: route.method === 'GET' ? undefined : {},
      });
      expect(response.statusCode, `${route.method} ${route.path}`).toBe(404);
    }
    for (const url of ['/api/auth/', '/api/auth/nope', '/api/auth/admin', '/api/auth/reference']) {
      expect((await admin.get(url)).statusCode, url).toBe(404);
    }
  });

  it('the allowed ones still work: sign up, sign in, read the session, sign out', async () => {
    const email = uniqueEmail('allowed');
    const client = await signUp(test.app, { email, password: 'allowed password' });
    const current = await client.get('/api/auth/get-session');
    expect(current.statusCode).toBe(200);
    expect(current.json().user.email).toBe(email);
    const { response, client: signedIn } = await signIn(test.app, email, 'allowed password');
    expect(response.statusCode).toBe(200);
    expect((await signedIn.post('/api/auth/sign-out', {})).statusCode).toBe(200);
    expect((await signedIn.get('/api/me')).statusCode).toBe(401);
    expect((await client.get('/api/me')).statusCode).toBe(200);
  });
});

describe('9. admins (one instance; the races are in security-accounts-races)', () => {
  it('another admin may demote, disable or re-enable an admin; `webox user promote` still promotes', async () => {
    const second = await signUp(test.app);
    const secondId = await idOf(second);
    expect(await promoteUserByEmail(test.app.database.db, test.app.bus, second.email, test.app.audit)).toBe(true);
    expect((await second.get('/api/me')).json().role).toBe('admin');

    expect((await second.patch(`/api/admin/users/${adminId}`, { role: 'user' })).json()).toMatchObject({
      role: 'user',
    });
    expect((await admin.get('/api/admin/users')).statusCode).toBe(403);
    expect((await second.patch(`/api/admin/users/${adminId}`, { role: 'admin' })).statusCode).toBe(200);
    expect((await admin.get('/api/admin/users')).statusCode).toBe(200);

    // A disabled admin is no active admin: disabling it again needs no other admin check.
    expect((await admin.patch(`/api/admin/users/${secondId}`, { disabled: true })).statusCode).toBe(200);
    expect((await admin.patch(`/api/admin/users/${secondId}`, { disabled: true, role: 'user' })).statusCode).toBe(200);
    expect((await admin.delete(`/api/admin/users/${secondId}`)).statusCode).toBe(204);
  });
});
