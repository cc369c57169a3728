// The alerts' routes as the web app calls them (docs/alerts.md); answers typed from the shared
// zod schemas. A change to what the bell counts tells the bell (alertsChanged).
import type { z } from 'zod';
import type {
  AlertList,
  alertPreferences,
  createWebhookBody,
  DeliveryView,
  testAlertBody,
  updateWebhookBody,
  WebhookView,
} from '../../shared/alerts.ts';
import { ApiError, errorFromResponse } from '../api/client.ts';

export type AlertPreferences = z.infer<typeof alertPreferences>;
export type CreateWebhookBody = z.input<typeof createWebhookBody>;
export type UpdateWebhookBody = z.input<typeof updateWebhookBody>;
export type TestAlertBody = z.input<typeof testAlertBody>;

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'network_error', String(error));
  }
  if (!response.ok) throw await errorFromResponse(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const CHANGED = 'webox:alerts-changed';

/** Tells the bell to count again (after alerts were marked read). */
export const alertsChanged = () => window.dispatchEvent(new Event(CHANGED));
export function onAlertsChanged(listener: () => void) {
  window.addEventListener(CHANGED, listener);
  return () => window.removeEventListener(CHANGED, listener);
}

export const alertsApi = {
  list: (options: { cursor?: string | null; limit?: number } = {}) => {
    const query = new URLSearchParams();
    if (options.cursor) query.set('cursor', options.cursor);
    if (options.limit) query.set('limit', String(options.limit));
    const text = query.toString();
    return call<AlertList>('GET', `/api/alerts${text ? `?${text}` : ''}`);
  },
  markRead: async (body: { ids: string[] } | { all: true }) => {
    await call<void>('POST', '/api/alerts/read', body);
    alertsChanged();
  },
  preferences: () => call<AlertPreferences>('GET', '/api/alerts/preferences'),
  savePreferences: (body: { email: boolean; locale?: 'fr' | 'en' }) =>
    call<AlertPreferences>('PUT', '/api/alerts/preferences', body),
  webhooks: () => call<{ webhooks: WebhookView[] }>('GET', '/api/admin/alerts/webhooks'),
  createWebhook: (body: CreateWebhookBody) => call<WebhookView>('POST', '/api/admin/alerts/webhooks', body),
  updateWebhook: (id: string, body: UpdateWebhookBody) =>
    call<WebhookView>('PATCH', `/api/admin/alerts/webhooks/${encodeURIComponent(id)}`, body),
  deleteWebhook: (id: string) => call<void>('DELETE', `/api/admin/alerts/webhooks/${encodeURIComponent(id)}`),
  sendTest: async (body: TestAlertBody) => {
    const result = await call<{ alertId: string; deliveries: number }>('POST', '/api/admin/alerts/test', body);
    alertsChanged();
    return result;
  },
  deliveries: () => call<{ deliveries: DeliveryView[] }>('GET', '/api/admin/alerts/deliveries'),
};
