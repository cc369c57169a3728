// WeBox as its own process (`node src/server/main.ts serve`), for tests that run several
// instances or kill one mid-request, and a small fetch client for it.
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

/** A port nothing listens on now (the operating system's pick), for a server of the test's own. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** The last lines it wrote (for a failing test's message). */
  output(): string;
  kill(): void;
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['src/server/main.ts', 'serve'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env, PORT: String(port), WEBOX_PUBLIC_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (data: Buffer) => {
    output = (output + data.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`WeBox exited (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, child, output: () => output, kill: () => child.kill('SIGKILL') };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`WeBox did not become ready:\n${output}`);
}

/** A signed-in browser-like client of a WeBox process (cookie session, Origin header). */
export async function signUpOver(url: string, email: string) {
  const headers = { 'content-type': 'application/json', origin: url };
  const response = await fetch(`${url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: email.split('@')[0], email, password: 'a long enough password' }),
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');
  const call = async (method: string, path: string, body?: unknown, base = url) => {
    const answer = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, origin: base, cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    return { status: answer.status, json: text ? JSON.parse(text) : null };
  };
  const me = await call('GET', '/api/me');
  return { cookie, id: me.json.id as string, call };
}

/**
 * Polls every intervalMs until check() is true and returns when it was (Date.now()); throws after
 * timeoutMs. Tests that measure a propagation delay poll more often.
 */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`not within ${timeoutMs} ms`);
}
