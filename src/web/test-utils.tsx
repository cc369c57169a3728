// Rendering helpers for component tests: a fixed language, a router, and a fetch that answers
// from a table of routes and records every call.
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { initI18n } from './i18n/index.ts';
import type { Language } from './i18n/languages.ts';

export function renderWithApp(element: ReactElement, options: { language?: Language; path?: string } = {}) {
  const i18n = initI18n({ language: options.language ?? 'en' });
  return {
    i18n,
    ...render(
      <I18nextProvider i18n={i18n}>
        <MemoryRouter initialEntries={[options.path ?? '/']}>{element}</MemoryRouter>
      </I18nextProvider>,
    ),
  };
}

export interface FetchCall {
  method: string;
  url: string;
  body: unknown;
}

type Handler = (call: FetchCall) => { status?: number; body?: unknown; headers?: Record<string, string> };

/** Replaces global fetch: `routes['PUT /api/admin/keys/openai']` answers that call. */
export function mockFetch(routes: Record<string, Handler>) {
  const calls: FetchCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const call = { method, url, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const handler = routes[`${method} ${url}`];
    const answer = handler
      ? handler(call)
      : { status: 404, body: { error: { code: 'not_found', message: 'No route' } } };
    const status = answer.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
