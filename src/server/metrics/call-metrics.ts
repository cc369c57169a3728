// One model call's end, in the metrics: the requests counter, the duration and first-byte
// histograms, and the providers' errors. Fed from the completion pipeline's one usage record per
// call (refusals included), so every surface is counted the same way and none can forget to.
//
// Every label value comes from a closed set WeBox owns: the surface, a provider id of the registry
// (or `unknown`: a refused call's provider is whatever the client typed), the key source, the HTTP
// status as a number WeBox chose, an error code of the closed list. Never the model, the user or
// anything else a client sends. The bound children are cached per label tuple: the request path
// pays one map look-up and an addition.
import type { Counter, Histogram } from 'prom-client';
import { isProviderId } from '../providers/registry.ts';
import type { Metrics } from './metrics.ts';

/** What the metrics read of a call's usage record (metering's UsageRecord has these fields). */
export interface ObservedCall {
  endpoint: string;
  provider: string;
  keySource: string;
  status: number;
  errorCode?: string | null;
  latencyMs?: number | null;
  firstTokenMs?: number | null;
}

/** The providers' failures, as WeBox names them (providers/provider-errors.ts). */
const UPSTREAM_CODES = new Set([
  'provider_rejected_key',
  'provider_rate_limited',
  'provider_bad_request',
  'provider_timeout',
  'provider_error',
]);

const SURFACES = new Set(['chat', 'gateway']);
const KEY_SOURCES = new Set(['personal', 'global', 'none']);

/** `unknown` for anything outside the set: a label value is never a string a client chose. */
const known = (value: string, set: ReadonlySet<string>) => (set.has(value) ? value : 'unknown');

/**
 * The status label: the HTTP status the client got, or `stream_error` when the answer failed after
 * its first byte (the client got a 200 and an error event). A client that went away is 499.
 */
export function statusLabel(call: Pick<ObservedCall, 'status' | 'errorCode'>, afterFirstByte: boolean) {
  if (call.status >= 400 && afterFirstByte && call.errorCode !== 'client_closed') return 'stream_error';
  return Number.isInteger(call.status) && call.status >= 100 && call.status <= 599 ? String(call.status) : '500';
}

export function createCallMetrics(
  metrics: Pick<Metrics, 'requests' | 'requestDuration' | 'timeToFirstByte' | 'upstreamErrors'>,
) {
  const counted = new Map<string, Counter.Internal>();
  const timed = new Map<string, { duration: Histogram.Internal<string>; firstByte: Histogram.Internal<string> }>();
  const failed = new Map<string, Counter.Internal>();

  function counter(surface: string, provider: string, source: string, status: string) {
    const key = `${surface} ${provider} ${source} ${status}`;
    let child = counted.get(key);
    if (!child) {
      child = metrics.requests.labels({ surface, provider, key_source: source, status });
      counted.set(key, child);
    }
    return child;
  }

  function timers(surface: string, provider: string) {
    const key = `${surface} ${provider}`;
    let child = timed.get(key);
    if (!child) {
      child = {
        duration: metrics.requestDuration.labels({ surface, provider }),
        firstByte: metrics.timeToFirstByte.labels({ surface, provider }),
      };
      timed.set(key, child);
    }
    return child;
  }

  function upstream(provider: string, code: string) {
    const key = `${provider} ${code}`;
    let child = failed.get(key);
    if (!child) {
      child = metrics.upstreamErrors.labels({ provider, code });
      failed.set(key, child);
    }
    return child;
  }

  return {
    /**
     * Counts one call that ended. `afterFirstByte`: the answer had begun reaching the client
     * (its headers were sent), so a failure is a stream error, not the status it would have had.
     */
    observe(call: ObservedCall, afterFirstByte: boolean) {
      const surface = known(call.endpoint, SURFACES);
      const provider = isProviderId(call.provider) ? call.provider : 'unknown';
      counter(surface, provider, known(call.keySource, KEY_SOURCES), statusLabel(call, afterFirstByte)).inc();
      const { duration, firstByte } = timers(surface, provider);
      if (typeof call.latencyMs === 'number' && call.latencyMs >= 0) duration.observe(call.latencyMs / 1000);
      if (typeof call.firstTokenMs === 'number' && call.firstTokenMs >= 0) firstByte.observe(call.firstTokenMs / 1000);
      if (call.errorCode && UPSTREAM_CODES.has(call.errorCode)) upstream(provider, call.errorCode).inc();
    },
  };
}

export type CallMetrics = ReturnType<typeof createCallMetrics>;
