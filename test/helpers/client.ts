// A signed-in HTTP client over app.inject(): sign up, keep the session cookie, call routes.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/server/app.ts';

let addressCounter = 0;

/** A distinct client address per account, as real users have: sign-up throttling is per address. */
function nextRemoteAddress() {
  addressCounter++;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

export interface Client {
  email: string;
  password: string;
  cookie: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
}

let emailCounter = 0;

export function uniqueEmail(prefix = 'user') {
  emailCounter++;
  return `${prefix}-${Date.now().toString(36)}-${emailCounter}@example.com`;
}

export function cookieFrom(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  const cookies = Array.isArray(header) ? header : header ? [header] : [];
  return cookies.map((cookie) => cookie.split(';')[0]).join('; ');
}

export function clientWithCookie(app: App, cookie: string, identity = { email: '', password: '' }): Client {
  const remoteAddress = nextRemoteAddress();
  const request = (options: InjectOptions) =>
    app.inject({
      remoteAddress,
      ...options,
      headers: { origin: app.config.publicUrl, ...(cookie ? { cookie } : {}), ...options.headers },
    });
  return {
    ...identity,
    cookie,
    request,
    get: (url) => request({ method: 'GET', url }),
    post: (url, payload) => request({ method: 'POST', url, payload: payload as InjectOptions['payload'] }),
    put: (url, payload) => request({ method: 'PUT', url, payload: payload as InjectOptions['payload'] }),
    patch: (url, payload) => request({ method: 'PATCH', url, payload: payload as InjectOptions['payload'] }),
    delete: (url) => request({ method: 'DELETE', url }),
  };
}

/** An anonymous client. */
export const anonymous = (app: App) => clientWithCookie(app, '');

export async function signUp(app: App, options: { email?: string; name?: string; password?: string } = {}) {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? 'correct horse battery staple';
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/sign-up/email',
    remoteAddress: nextRemoteAddress(),
    headers: { origin: app.config.publicUrl },
    payload: { name: options.name ?? email.split('@')[0], email, password },
  });
  if (response.statusCode !== 200) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`);
  return clientWithCookie(app, cookieFrom(response), { email, password });
}

export async function signIn(app: App, email: string, password: string) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/sign-in/email',
    remoteAddress: nextRemoteAddress(),
    headers: { origin: app.config.publicUrl },
    payload: { email, password },
  });
  return { response, client: clientWithCookie(app, cookieFrom(response), { email, password }) };
}
