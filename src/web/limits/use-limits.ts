// The signed-in user's budgets and rate limits (GET /api/limits). A failure leaves them unknown:
// the pages work without them, and the server still enforces every limit.
import { api } from '../api/client.ts';
import { useLoaded } from '../components/use-loaded.ts';

const loadLimits = () => api.limits();

export function useLimits() {
  const { value: limits, error, reload } = useLoaded(loadLimits);
  return { limits, error, reload };
}
