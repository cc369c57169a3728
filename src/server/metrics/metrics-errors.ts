// The metrics route's one refusal: a scrape without WEBOX_METRICS_TOKEN as its bearer token.
import { AppError } from '../errors.ts';

export const metricsErrors = {
  unauthenticated: () =>
    new AppError(401, 'unauthenticated', '/metrics takes Authorization: Bearer with WEBOX_METRICS_TOKEN.', {
      headers: { 'www-authenticate': 'Bearer realm="metrics"' },
    }),
};
