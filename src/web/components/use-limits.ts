// The signed-in user's budgets and rate limits (GET /api/limits). A failure leaves them unknown:
// the pages work without them, and the server still enforces every limit.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { MyLimits } from '../api/types.ts';

export function useLimits() {
  const [limits, setLimits] = useState<MyLimits | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      setLimits(await api.limits());
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { limits, error, reload };
}
