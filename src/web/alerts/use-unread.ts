// How many alerts the signed-in user has not read, and whether they have any: read on sign-in, every
// minute, when the tab comes back, and when a page marks alerts read.
import { useCallback, useEffect, useState } from 'react';
import { alertsApi, onAlertsChanged } from './alerts-api.ts';

const POLL_MS = 60_000;

export function useUnreadAlerts(userId: string | undefined) {
  const [state, setState] = useState<{ unread: number; any: boolean }>({ unread: 0, any: false });
  const refresh = useCallback(async () => {
    try {
      const list = await alertsApi.list({ limit: 1 });
      setState({ unread: list.unread, any: list.alerts.length > 0 });
    } catch {
      // The bell keeps its last count: the page itself says what went wrong.
    }
  }, []);
  useEffect(() => {
    if (!userId) return;
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    const onVisible = () => document.visibilityState === 'visible' && void refresh();
    document.addEventListener('visibilitychange', onVisible);
    const stop = onAlertsChanged(() => void refresh());
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      stop();
    };
  }, [userId, refresh]);
  return state;
}
