import { describe, expect, it } from 'vitest';
import { parseRetryAfter, usageUrl } from './client.ts';

describe('api client', () => {
  it('builds usage API and CSV links', () => {
    expect(usageUrl('mine', { from: '2026-11-01', to: '2026-11-24', groupBy: 'day' })).toBe(
      '/api/usage?from=2026-11-01&to=2026-11-24&groupBy=day',
    );
    expect(usageUrl('admin', { from: 'a', to: 'b', groupBy: 'user', format: 'csv' })).toBe(
      '/api/admin/usage?from=a&to=b&groupBy=user&format=csv',
    );
    expect(usageUrl('admin', { from: 'a', to: 'b', groupBy: 'day', userId: 'u 1' })).toBe(
      '/api/admin/usage?from=a&to=b&groupBy=day&userId=u+1',
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(30);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
