// The process around the routes (issue 10, items 6, 10, 11 and part of 13), on real processes
// where it takes one: the embedded database's lock, the graceful stop, the server's timeouts and
// connection cap, readiness, the Origin check and the headers every answer carries.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.ts';
import { parseConfig } from '../src/server/config.ts';
import { openDatabase } from '../src/server/db/client.ts';
import { acquireEmbeddedLock, EmbeddedDatabaseLockedError } from '../src/server/db/embedded-lock.ts';
import { maxConnections } from '../src/server/http-hardening.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fakes/index.ts';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from './helpers/app.ts';
import { anonymous, type Client, signUp } from './helpers/client.ts';
import { createTestDatabase, postgresUrl, type TestDatabase } from './helpers/database.ts';
import { makeKey } from './helpers/keys.ts';
import { type ServerProcess, signUpOver, startServerProcess, waitFor } from './helpers/server-process.ts';
import { parseSse } from './helpers/sse.ts';

const folders: string[] = [];
const newFolder = async () => {
  const folder = await mkdtemp(path.join(tmpdir(), 'webox-process-'));
  folders.push(folder);
  return folder;
};

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** Resolves with the exit code (or the signal's name) once the child has exited. */
const exited = (child: ChildProcess) =>
  new Promise<number | string>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else if (child.signalCode !== null) resolve(child.signalCode);
    else child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });

/** `webox serve` as an operator runs it, kept until it exits (for the starts that must fail). */
async function serveUntilExit(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/server/main.ts', 'serve'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const code = await exited(child);
  return { code, output };
}

describe('the embedded lock (item 6)', () => {
  it('is not fooled by a pid, dies with a killed server, and refuses a second server while one lives', async () => {
    const dataDir = path.join(await newFolder(), 'data');
    const env = { WEBOX_DATA_DIR: dataDir };
    const lockFile = path.join(dataDir, 'webox.lock');

    // pid 1 is "alive" in every container: an old lock naming it must not stop the start.
    await mkdir(dataDir, { recursive: true });
    await writeFile(lockFile, '1\n');
    let server = await startServerProcess(env);
    expect(await readFile(lockFile, 'utf8')).toBe(`${server.child.pid}\n`);

    // A second server on the same folder is refused while the first one lives, and says why.
    const second = await serveUntilExit(env);
    expect(second.code).toBe(1);
    expect(second.output).toContain(`in use by WeBox process ${server.child.pid}`);
    // The refusal did not take the first server's lock away.
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    // Killed while idle, it leaves its files behind; the next start takes the lock over.
    server.kill();
    await exited(server.child);
    expect(await readFile(lockFile, 'utf8')).toBe(`${server.child.pid}\n`);
    if (process.platform !== 'win32') expect((await stat(path.join(dataDir, 'webox.sock'))).isSocket()).toBe(true);
    server = await startServerProcess(env);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    // A pid that belongs to another live process (this test's parent) does not stop a start either.
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    await writeFile(lockFile, `${process.ppid}\n`);
    server = await startServerProcess(env);
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    // A clean stop leaves nothing behind.
    await expect(stat(lockFile)).rejects.toThrow();
    await expect(stat(path.join(dataDir, 'webox.sock'))).rejects.toThrow();
  }, 120_000);

  it('is held by a live process and released by its death, whatever it was killed with', async () => {
    const dataDir = path.join(await newFolder(), 'data');
    // The lock function alone, in a child process that holds it until it is killed.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { acquireEmbeddedLock } from './src/server/db/embedded-lock.ts';
         await acquireEmbeddedLock(${JSON.stringify(dataDir)}, 'test');
         console.log('held');
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
    await expect(acquireEmbeddedLock(dataDir, 'webox migrate')).rejects.toThrow(EmbeddedDatabaseLockedError);
    await expect(acquireEmbeddedLock(dataDir, 'webox migrate')).rejects.toThrow(`process ${holder.pid}`);

    holder.kill('SIGKILL');
    await exited(holder);
    const release = await acquireEmbeddedLock(dataDir, 'webox migrate');
    // Held by this process now: a second taker in the same process is refused too.
    await expect(acquireEmbeddedLock(dataDir, 'webox serve')).rejects.toThrow(EmbeddedDatabaseLockedError);
    await release();
    await (await acquireEmbeddedLock(dataDir, 'webox serve'))();
  });

  // Two ways in: the whole lock, and the socket file alone (what two starters in different network
  // namespaces share, where the abstract socket does not decide between them).
  it.each([
    ['the whole lock', `await acquireEmbeddedLock(dataDir, 'test')`],
    ['the socket file alone', `if (!(await bindSocketFile(dataDir))) throw new EmbeddedDatabaseLockedError('held')`],
  ])('lets only one of several simultaneous starters take a stale lock over (%s)', async (_name, take) => {
    const dataDir = await realpath(await newFolder());
    const script = (body: string) =>
      `import { acquireEmbeddedLock, bindSocketFile, EmbeddedDatabaseLockedError } from './src/server/db/embedded-lock.ts';
       const dataDir = ${JSON.stringify(dataDir)};
       ${body}`;
    // A stale socket file, as a process killed with kill -9 leaves it.
    const dead = spawn(
      process.execPath,
      ['--input-type=module', '-e', script(`${take}; process.kill(process.pid, 'SIGKILL');`)],
      { stdio: 'inherit' },
    );
    await exited(dead);
    expect((await stat(path.join(dataDir, 'webox.sock'))).isSocket()).toBe(true);
    // Separate processes, started together: exactly one holds the lock.
    const starters = Array.from({ length: 4 }, () =>
      spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          script(`try {
             ${take};
             console.log('held');
           } catch (error) {
             console.log(error.name);
           }
           setTimeout(() => {}, 2000);`),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      ),
    );
    const answers = await Promise.all(
      starters.map(
        (child) =>
          new Promise<string>((resolve) => {
            let text = '';
            child.stdout?.on('data', (data: Buffer) => {
              text += data.toString();
            });
            child.once('exit', () => resolve(text.trim()));
          }),
      ),
    );
    expect(answers.filter((answer) => answer === 'held')).toHaveLength(1);
    expect(answers.filter((answer) => answer === 'EmbeddedDatabaseLockedError')).toHaveLength(3);
  });
});

/** Settles with the promise's value, or with 'no answer' once ms have passed. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), ms))]);

/** A TCP server that accepts connections and never answers: a database that hangs. */
async function startBlackHole() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP proxy in front of PostgreSQL that can stop answering: the bytes already in flight and
 * everything after them are swallowed, on the open connections and on new ones, until restored.
 */
async function startStallingProxy(target: URL) {
  let stalled = false;
  const sockets = new Set<net.Socket>();
  const links = new Set<[net.Socket, net.Socket]>();
  const keep = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    keep(client);
    if (stalled) {
      client.on('data', () => {});
      return;
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    keep(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    links.add([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const through = new URL(target);
  through.hostname = '127.0.0.1';
  through.port = String(port);
  return {
    url: through.toString(),
    stall() {
      stalled = true;
      for (const [client, upstream] of links) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.on('data', () => {});
        upstream.on('data', () => {});
      }
    },
    /** Answers again; the connections that lost bytes are cut, as a restarted server's would be. */
    restore() {
      stalled = false;
      links.clear();
      for (const socket of sockets) socket.destroy();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('readiness when the database does not answer (item 13)', () => {
  it('fails the start of a server whose database accepts and never answers, instead of hanging', async () => {
    const hole = await startBlackHole();
    try {
      const config = parseConfig({
        DATABASE_URL: `postgres://webox@127.0.0.1:${hole.port}/webox`,
        WEBOX_MASTER_KEY: TEST_MASTER_KEY,
        WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
        LOG_LEVEL: 'silent',
      });
      const failure = await within(
        buildApp(config).catch((error: Error) => error),
        20_000,
      );
      // The connection's own timeout, not Fastify giving up on a plugin that hangs (which would
      // leave the connection hanging behind it).
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toMatch(/timeout expired/);
      expect((failure as Error).message).not.toMatch(/did not start in time/);
    } finally {
      await hole.close();
    }
  });

  it.skipIf(!postgresUrl)('answers 503 at once when PostgreSQL stops answering, and 200 when it is back', async () => {
    const database = await createTestDatabase();
    const proxy = await startStallingProxy(new URL(database.databaseUrl as string));
    const test = await createTestApp({ DATABASE_URL: proxy.url });
    try {
      const ready = () => within(test.app.inject({ method: 'GET', url: '/readyz' }), 5_000);
      expect(await ready()).toMatchObject({ statusCode: 200 });
      proxy.stall();
      const stalled = await ready();
      expect(stalled).not.toBe('no answer');
      expect(stalled).toMatchObject({ statusCode: 503 });
      expect((stalled as { json(): unknown }).json()).toEqual({ status: 'unavailable' });
      // Again, while the connections of the first try are still hanging.
      expect(await ready()).toMatchObject({ statusCode: 503 });
      proxy.restore();
      expect(await ready()).toMatchObject({ statusCode: 200 });
    } finally {
      proxy.restore();
      await test.close();
      await proxy.close();
      await database.drop();
    }
  });

  it.skipIf(!!postgresUrl)('answers 503 at once while a transaction holds the embedded database', async () => {
    const test = await createTestApp();
    try {
      let finish = () => {};
      const held = test.app.database.db.transaction(() => new Promise<void>((resolve) => (finish = resolve)));
      const answer = await within(test.app.inject({ method: 'GET', url: '/readyz' }), 5_000);
      finish();
      await held;
      expect(answer).not.toBe('no answer');
      expect(answer).toMatchObject({ statusCode: 503 });
      expect((await test.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    } finally {
      await test.close();
    }
  });
});

/** Every route of the app as "METHOD /path", read from Fastify's route tree. */
function routesOf(tree: string) {
  const routes: Array<{ method: string; url: string }> = [];
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([\s│]*)(?:└── |├── )?(\S+) \(([^)]+)\)/.exec(line);
    if (!match) continue;
    const depth = Math.round((match[1] ?? '').length / 4);
    prefixes.length = depth;
    prefixes[depth] = match[2] ?? '';
    const url = prefixes.join('');
    for (const method of (match[3] ?? '').split(', ')) routes.push({ method, url });
  }
  return routes;
}

describe('the Origin of state-changing requests (item 13)', () => {
  let test: TestApp;
  let admin: Client;

  beforeAll(async () => {
    test = await createTestApp();
    admin = await signUp(test.app);
  });

  afterAll(async () => {
    await test?.close();
  });

  const foreign = 'https://evil.example';
  /** The admin's session, with exactly these headers besides the cookie (no Origin unless given). */
  const withSession = (options: {
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    headers: Record<string, string>;
    payload?: unknown;
  }) =>
    test.app.inject({
      method: options.method,
      url: options.url,
      headers: { cookie: admin.cookie, ...options.headers },
      payload: options.payload as Record<string, unknown>,
    });
  const pathFor = (url: string) =>
    url.replace(':provider', 'openai').replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000');

  it("refuses a foreign Origin on every state-changing /api route but better-auth's", async () => {
    // Stripe's webhook is sent by Stripe, with no Origin: its signature guards it (it answers 400
    // invalid_signature to anything else, whatever the Origin: billing-webhooks.test.ts).
    const routes = routesOf(test.app.printRoutes({ commonPrefix: false })).filter(
      (route) =>
        ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method) &&
        route.url.startsWith('/api/') &&
        route.url !== '/api/billing/webhook',
    );
    // The tree lists every route WeBox has; a dozen of them change data.
    expect(routes.length).toBeGreaterThan(10);
    // With a cookie and neither Origin nor Referer too ({}): browsers always send one of them.
    for (const route of routes) {
      const variants: Array<Record<string, string>> = [
        { origin: foreign },
        { origin: 'null' },
        { referer: `${foreign}/x` },
        {},
      ];
      for (const headers of variants) {
        const response = await withSession({
          method: route.method as 'POST',
          url: pathFor(route.url),
          headers,
          payload: {},
        });
        expect({ route, status: response.statusCode, code: response.json().error?.code }).toEqual({
          route,
          status: 403,
          code: 'invalid_origin',
        });
        expect(response.json().error.message).toContain('WEBOX_PUBLIC_URL');
      }
    }
    // Nothing was changed on the way: the admin still has no token.
    expect((await admin.get('/api/tokens')).json().tokens).toEqual([]);
  });

  it('accepts the public origin, a Referer on it, and scripts that send no cookie and no Origin', async () => {
    expect((await admin.post('/api/tokens', { name: 'same origin' })).statusCode).toBe(201);
    const viaReferer = await withSession({
      method: 'POST',
      url: '/api/tokens',
      headers: { referer: `${test.app.config.publicUrl}/profile` },
      payload: { name: 'referer' },
    });
    expect(viaReferer.statusCode).toBe(201);
    // No cookie, no Origin: the route's own guard answers (a script without a session).
    const script = await test.app.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'x' } });
    expect(script.statusCode).toBe(401);
    // /v1 takes bearer tokens, which a browser never attaches by itself.
    const token = (await admin.post('/api/tokens', { name: 'v1' })).json().token as string;
    const gateway = await test.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${token}`, origin: foreign },
      payload: { model: 'openai/gpt-4o-mini', messages: [] },
    });
    expect(gateway.json().error?.code).not.toBe('invalid_origin');
  });

  it("leaves better-auth's routes to better-auth, which refuses a foreign Origin itself", async () => {
    const response = await admin.request({ method: 'POST', url: '/api/auth/sign-out', headers: { origin: foreign } });
    expect(response.statusCode).toBe(403);
    expect((await admin.get('/api/me')).statusCode).toBe(200);
  });
});

describe('headers on every answer (item 13)', () => {
  let test: TestApp;
  let fakes: FakeUpstreams;

  beforeAll(async () => {
    fakes = await startFakeUpstreams();
    test = await createTestApp(fakes.env);
  });

  afterAll(async () => {
    await test?.close();
    await fakes?.close();
  });

  it('sends nosniff everywhere, and no HSTS over http', async () => {
    const user = await signUp(test.app);
    await user.put('/api/keys/openai', { apiKey: makeKey.openai() });
    const token = (await user.post('/api/tokens', { name: 'headers' })).json().token as string;
    const bearer = { authorization: `Bearer ${token}` };
    const answers = {
      json: await user.get('/api/me'),
      unauthenticated: await anonymous(test.app).get('/api/me'),
      notFound: await user.get('/api/nothing-here'),
      v1NotFound: await test.app.inject({ method: 'GET', url: '/v1/nothing', headers: bearer }),
      webApp: await test.app.inject({ method: 'GET', url: '/' }),
      health: await test.app.inject({ method: 'GET', url: '/healthz' }),
      invalidJson: await user.request({
        method: 'POST',
        url: '/api/tokens',
        headers: { 'content-type': 'application/json' },
        payload: '{',
      }),
      refusedOrigin: await user.request({
        method: 'DELETE',
        url: '/api/keys/openai',
        headers: { origin: 'https://x.example' },
      }),
      v1Json: await test.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: bearer,
        payload: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
      }),
      v1Stream: await test.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: bearer,
        payload: { model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] },
      }),
      chatStream: await user.post('/api/chat', {
        provider: 'openai',
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    };
    expect(answers.v1Stream.headers['content-type']).toContain('text/event-stream');
    expect(answers.chatStream.headers['content-type']).toContain('text/event-stream');
    for (const [name, answer] of Object.entries(answers)) {
      expect({ name, nosniff: answer.headers['x-content-type-options'] }).toEqual({ name, nosniff: 'nosniff' });
      expect({ name, hsts: answer.headers['strict-transport-security'] }).toEqual({ name, hsts: undefined });
    }
  });

  it('sends HSTS when WEBOX_PUBLIC_URL is https', async () => {
    const secure = await createTestApp({ WEBOX_PUBLIC_URL: 'https://webox.example.com' });
    try {
      for (const url of ['/healthz', '/api/me', '/v1/models', '/nowhere']) {
        const response = await secure.app.inject({ method: 'GET', url });
        expect({ url, hsts: response.headers['strict-transport-security'] }).toEqual({
          url,
          hsts: 'max-age=31536000; includeSubDomains',
        });
        expect(response.headers['x-content-type-options']).toBe('nosniff');
      }
    } finally {
      await secure.close();
    }
  });
});

/**
 * An OpenAI-compatible upstream whose answers stream slowly: a chunk every 100 ms for as long as
 * the last message asks ("stream for 5000 ms"), then the chunk with finish_reason and usage, then
 * [DONE]. Every chunk carries choices[0], as @ai-sdk/mistral wants, so the pass-through (/v1 on
 * OpenAI) and the AI SDK path (/api/chat on Mistral) can both use it.
 */
async function startSlowUpstream() {
  const server = http.createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    const body = JSON.parse(text || '{}') as { model?: string };
    // Found anywhere in the body: the AI SDK sends a message's content as parts.
    const durationMs = Number(/stream for (\d+) ms/.exec(text)?.[1] ?? 0);
    const id = `chatcmpl-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finishReason: string | null, usage?: Record<string, number>) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...(usage ? { usage } : {}) })}\n\n`;
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(chunk({ role: 'assistant', content: '' }, null));
    const startedAt = Date.now();
    let words = 0;
    const timer = setInterval(() => {
      if (Date.now() - startedAt < durationMs) {
        words++;
        response.write(chunk({ content: 'word ' }, null));
        return;
      }
      clearInterval(timer);
      response.write(chunk({}, 'stop', { prompt_tokens: 12, completion_tokens: words, total_tokens: 12 + words }));
      response.end('data: [DONE]\n\n');
    }, 100);
    response.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1`;
  return {
    env: { WEBOX_OPENAI_BASE_URL: baseUrl, WEBOX_MISTRAL_BASE_URL: baseUrl },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The first account of a fresh server (its admin), global keys set, and an access token. */
async function adminWithToken(url: string) {
  const admin = await signUpOver(url, `admin-${randomUUID()}@example.com`);
  expect((await admin.call('PUT', '/api/admin/keys/openai', { apiKey: makeKey.openai() })).status).toBe(200);
  expect((await admin.call('PUT', '/api/admin/keys/mistral', { apiKey: makeKey.mistral() })).status).toBe(200);
  const created = await admin.call('POST', '/api/tokens', { name: 'process' });
  return { admin, token: created.json.token as string };
}

/** One GET on a connection of its own (no keep-alive pool to reuse): its status, or the error. */
function getOnce(url: string) {
  return new Promise<number | string>((resolve) => {
    const request = http.get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** A slowloris: sends a request's headers a line at a time (or nothing at all), never ending them. */
function slowClient(port: number, kind: 'drip' | 'silent') {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.on('data', () => {});
  let timer: NodeJS.Timeout | undefined;
  if (kind === 'drip') {
    socket.write('GET /healthz HTTP/1.1\r\nHost: webox\r\n');
    timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 200);
  }
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let isClosed = false;
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      clearInterval(timer);
      resolve();
    }),
  );
  return { connected, closed, isClosed: () => isClosed, destroy: () => socket.destroy() };
}

/** A streamed /v1 completion that the upstream makes last durationMs; resolves with its text. */
async function streamV1(url: string, token: string, durationMs: number) {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: `stream for ${durationMs} ms` }],
    }),
  });
  expect(response.status).toBe(200);
  return response;
}

describe('timeouts and the connection cap (item 11)', () => {
  it('reads its settings, with defaults, and refuses a headers timeout longer than the request timeout', () => {
    const defaults = parseConfig({});
    expect(defaults).toMatchObject({ headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, drainTimeoutMs: 30_000 });
    expect(maxConnections(defaults)).toBeGreaterThanOrEqual(64);
    expect(maxConnections(parseConfig({ WEBOX_MAX_CONNECTIONS: '123' }))).toBe(123);
    expect(() => parseConfig({ WEBOX_HEADERS_TIMEOUT_MS: '5000', WEBOX_REQUEST_TIMEOUT_MS: '4000' })).toThrow(
      /WEBOX_HEADERS_TIMEOUT_MS/,
    );
    expect(() => parseConfig({ WEBOX_MAX_CONNECTIONS: '0' })).toThrow(/WEBOX_MAX_CONNECTIONS/);
  });

  let upstream: Awaited<ReturnType<typeof startSlowUpstream>>;
  let server: ServerProcess;
  let port: number;

  beforeAll(async () => {
    upstream = await startSlowUpstream();
    const dataDir = path.join(await newFolder(), 'data');
    server = await startServerProcess({
      WEBOX_DATA_DIR: dataDir,
      ...upstream.env,
      WEBOX_HEADERS_TIMEOUT_MS: '3000',
      WEBOX_REQUEST_TIMEOUT_MS: '3000',
      WEBOX_MAX_CONNECTIONS: '40',
    });
    port = Number(new URL(server.url).port);
  }, 60_000);

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    if (server) await exited(server.child);
    await upstream?.close();
  });

  it('closes connections that drip their headers or say nothing, and answers others meanwhile', async () => {
    const clients = [
      ...Array.from({ length: 30 }, () => slowClient(port, 'drip')),
      ...Array.from({ length: 5 }, () => slowClient(port, 'silent')),
    ];
    await Promise.all(clients.map((client) => client.connected));
    expect(await getOnce(`${server.url}/healthz`)).toBe(200);
    expect(clients.filter((client) => client.isClosed())).toHaveLength(0);
    // Closed by the server (the clients never stop on their own), after the headers timeout.
    await waitFor(async () => clients.every((client) => client.isClosed()), 15_000);
    expect(await getOnce(`${server.url}/healthz`)).toBe(200);
  });

  it('past the connection cap, refuses new connections, and serves again once the slow ones are closed', async () => {
    const clients = Array.from({ length: 40 }, () => slowClient(port, 'drip'));
    await Promise.all(clients.map((client) => client.connected));
    // A new connection is accepted and closed at once: the cap is reached.
    expect(await getOnce(`${server.url}/healthz`)).not.toBe(200);
    await waitFor(async () => clients.every((client) => client.isClosed()), 15_000);
    expect(await getOnce(`${server.url}/healthz`)).toBe(200);
  });

  it('does not cut an answer that streams for longer than the request timeout', async () => {
    const { token } = await adminWithToken(server.url);
    const response = await streamV1(server.url, token, 5_000);
    const text = await response.text();
    expect(text).toContain('data: [DONE]');
    expect(text.split('word ').length).toBeGreaterThan(30);
  }, 30_000);
});

/** Reads a streamed answer to its end. */
async function readStream(response: Response) {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
  return { text };
}

describe('the graceful stop (item 10)', () => {
  let upstream: Awaited<ReturnType<typeof startSlowUpstream>>;
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    upstream = await startSlowUpstream();
    if (postgresUrl) database = await createTestDatabase();
  });

  afterAll(async () => {
    await upstream?.close();
    await database?.drop();
  });

  it('answers 503 on readiness and server_shutting_down elsewhere once the stop has begun', async () => {
    const test = await createTestApp();
    try {
      const user = await signUp(test.app);
      test.app.drain.begin();
      const ready = await test.app.inject({ method: 'GET', url: '/readyz' });
      expect({ status: ready.statusCode, body: ready.json() }).toEqual({
        status: 503,
        body: { status: 'unavailable' },
      });
      // Liveness still holds: the process is fine, only stopping.
      expect((await test.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const api = await user.get('/api/me');
      expect({ status: api.statusCode, code: api.json().error.code, connection: api.headers.connection }).toEqual({
        status: 503,
        code: 'server_shutting_down',
        connection: 'close',
      });
      const v1 = await test.app.inject({ method: 'GET', url: '/v1/models' });
      expect(v1.statusCode).toBe(503);
      expect(v1.json().error).toMatchObject({ code: 'server_shutting_down', type: 'api_error' });
      expect(v1.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await test.close();
    }
  });

  it('finishes the short streams, ends the long ones with an error event at the deadline, meters them all, exits 0', async () => {
    const dataDir = path.join(await newFolder(), 'data');
    const storage: Record<string, string> = database
      ? {
          DATABASE_URL: database.databaseUrl as string,
          WEBOX_MASTER_KEY: TEST_MASTER_KEY,
          WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
        }
      : { WEBOX_DATA_DIR: dataDir };
    const drainTimeoutMs = 4_000;
    const server = await startServerProcess({
      ...storage,
      ...upstream.env,
      WEBOX_DRAIN_TIMEOUT_MS: String(drainTimeoutMs),
    });
    const { admin, token } = await adminWithToken(server.url);

    // Two streams on /v1 (the pass-through), one that ends within the drain period, one that would
    // go on for a minute; and a long one on /api/chat (the AI SDK path).
    const short = readStream(await streamV1(server.url, token, 1_500));
    const long = readStream(await streamV1(server.url, token, 60_000));
    const chatResponse = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, cookie: admin.cookie },
      body: JSON.stringify({
        provider: 'mistral',
        model: 'mistral-small-latest',
        messages: [{ role: 'user', content: 'stream for 60000 ms' }],
      }),
    });
    expect(chatResponse.status).toBe(200);
    const chat = readStream(chatResponse);
    // And a saved conversation's turn, which keeps what was answered.
    const conversation = await admin.call('POST', '/api/conversations', {
      provider: 'mistral',
      model: 'mistral-small-latest',
    });
    const turnResponse = await fetch(`${server.url}/api/conversations/${conversation.json.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, cookie: admin.cookie },
      body: JSON.stringify({ content: 'stream for 60000 ms' }),
    });
    expect(turnResponse.status).toBe(200);
    const turn = readStream(turnResponse);

    server.child.kill('SIGTERM');
    // No new connection is accepted from then on.
    await waitFor(async () => (await getOnce(`${server.url}/healthz`)) === 'ECONNREFUSED', 5_000);
    const [shortAnswer, longAnswer, chatAnswer, turnAnswer] = await Promise.all([short, long, chat, turn]);
    const code = await exited(server.child);

    // The short one completed as if nothing happened.
    expect(shortAnswer.text).toContain('data: [DONE]');
    expect(shortAnswer.text).not.toContain('error');
    // The long ones went on streaming through the drain period, then were told why they end.
    const longEvents = parseSse(longAnswer.text);
    expect(longAnswer.text).not.toContain('[DONE]');
    expect(longEvents.at(-1)).toMatchObject({ error: { code: 'server_shutting_down', type: 'api_error' } });
    expect(longEvents.filter((event) => JSON.stringify(event).includes('word ')).length).toBeGreaterThan(
      drainTimeoutMs / 100 - 5,
    );
    const chatEvents = parseSse(chatAnswer.text);
    expect(chatEvents.at(-1)).toMatchObject({ type: 'error', code: 'server_shutting_down' });
    expect(chatEvents.filter((event) => event.type === 'delta').length).toBeGreaterThan(drainTimeoutMs / 100 - 5);
    expect(parseSse(turnAnswer.text).at(-1)).toMatchObject({ type: 'error', code: 'server_shutting_down' });
    expect({ code, output: server.output() }).toMatchObject({ code: 0 });

    // Every one of them is in the ledger: the completed one with the provider's counts, the cut
    // ones on their estimate.
    const rows = await usageRows(storage);
    const byStatus = rows.map((row) => ({
      endpoint: row.endpoint,
      status: row.status,
      error_code: row.error_code,
      estimated: row.estimated,
    }));
    expect(byStatus).toEqual(
      expect.arrayContaining([
        { endpoint: 'gateway', status: 200, error_code: null, estimated: false },
        { endpoint: 'gateway', status: 503, error_code: 'server_shutting_down', estimated: true },
        { endpoint: 'chat', status: 503, error_code: 'server_shutting_down', estimated: true },
      ]),
    );
    expect(rows.filter((row) => row.error_code === 'server_shutting_down')).toHaveLength(3);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(Number(row.output_tokens)).toBeGreaterThan(0);
    // The conversation kept the question and the part of the answer that was streamed.
    const messages = await query(storage, 'select role, content from conversation_message where conversation_id = $1', [
      conversation.json.id,
    ]);
    expect(messages.map((message) => message.role).sort()).toEqual(['assistant', 'user']);
    expect(String(messages.find((message) => message.role === 'assistant')?.content)).toContain('word word');
  }, 90_000);
});

/** A query on a stopped server's database. */
async function query(storage: Record<string, string>, text: string, params: unknown[] = []) {
  const database = await openDatabase({ databaseUrl: storage.DATABASE_URL, dataDir: storage.WEBOX_DATA_DIR ?? '' });
  try {
    return (await database.query<Record<string, unknown>>(text, params)).rows;
  } finally {
    await database.close();
  }
}

/** The usage rows a stopped server left. */
const usageRows = (storage: Record<string, string>) =>
  query(storage, 'select endpoint, status, error_code, estimated, output_tokens from usage_event order by created_at');
