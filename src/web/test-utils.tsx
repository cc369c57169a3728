// Rendering helpers for component and hook tests: a fixed language, a router whose address the
// test can read, and a fetch that answers from a table of routes (JSON, or an event stream the test
// feeds) and records every call.
import { type RenderHookResult, render, renderHook } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { MemoryRouter, useLocation } from 'react-router';
import { vi } from 'vitest';
import { initI18n } from './i18n/index.ts';
import type { Language } from './i18n/languages.ts';

interface AppOptions {
  language?: Language;
  path?: string;
}

/** Renders inside the app's providers; `rerender` keeps them. */
export function renderWithApp(element: ReactElement, options: AppOptions = {}) {
  const i18n = initI18n({ language: options.language ?? 'en' });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <I18nextProvider i18n={i18n}>
      <MemoryRouter initialEntries={[options.path ?? '/']}>{children}</MemoryRouter>
    </I18nextProvider>
  );
  return { i18n, ...render(element, { wrapper }) };
}

/** Runs a hook inside the app's providers; `location()` is the router's address now. */
export function renderHookWithApp<Result, Props>(
  hook: (props: Props) => Result,
  options: AppOptions & { initialProps?: Props } = {},
): RenderHookResult<Result, Props> & { location: () => string } {
  const i18n = initI18n({ language: options.language ?? 'en' });
  let pathname = options.path ?? '/';
  function LocationProbe() {
    pathname = useLocation().pathname;
    return null;
  }
  const wrapper = ({ children }: { children: ReactNode }) => (
    <I18nextProvider i18n={i18n}>
      <MemoryRouter initialEntries={[options.path ?? '/']}>
        <LocationProbe />
        {children}
      </MemoryRouter>
    </I18nextProvider>
  );
  const rendered = renderHook(hook, { wrapper, initialProps: options.initialProps });
  return { ...rendered, location: () => pathname };
}

export interface FetchCall {
  method: string;
  url: string;
  body: unknown;
  /** The request's abort signal, for an answer that must end when the client gives up. */
  signal?: AbortSignal;
}

type Answer = {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as text/event-stream instead of `body`. */
  stream?: ReadableStream<Uint8Array>;
};
type Handler = (call: FetchCall) => Answer;

/**
 * Replaces global fetch: `routes['PUT /api/admin/keys/openai']` answers that call; `'GET /api/usage'`
 * answers every query of that path that has no route of its own.
 */
export function mockFetch(routes: Record<string, Handler>) {
  const calls: FetchCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const call = {
      method,
      url,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      signal: init?.signal ?? undefined,
    };
    calls.push(call);
    // A route written without a query answers that path whatever its query.
    const handler = routes[`${method} ${url}`] ?? routes[`${method} ${url.split('?')[0]}`];
    const answer = handler
      ? handler(call)
      : { status: 404, body: { error: { code: 'not_found', message: 'No route' } } };
    const status = answer.status ?? 200;
    if (answer.stream) {
      return new Response(answer.stream, { status, headers: { 'content-type': 'text/event-stream' } });
    }
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
      status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

/**
 * An event stream the test writes to: `send` one event, then `end`. Given the request's signal,
 * it fails as a real body does when the client aborts.
 */
export function eventStream(signal?: AbortSignal) {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(started) {
      controller = started;
      signal?.addEventListener('abort', () =>
        started.error(new DOMException('The request was aborted.', 'AbortError')),
      );
    },
  });
  return {
    stream,
    send: (event: unknown) => controller?.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`)),
    end: () => controller?.close(),
  };
}
