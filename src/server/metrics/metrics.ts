// The service's health in Prometheus's terms (prom-client). One registry per app (tests build many
// in one process), and every instrument named here, in one place, so a reader sees all of what
// /metrics says. Labels are closed sets (surface, provider, key source, status, code, channel): no
// user id, e-mail, model typed by a client or anything else a client chooses becomes a label, since
// each label value is a time series kept forever and a public /metrics would leak who uses WeBox.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds: from a few milliseconds (a refusal) to a long streamed answer. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * What the gauges read when Prometheus scrapes: set by the modules that own the figures (the
 * ledger's queue, the quota's holds), read only then, so the request path never touches a gauge.
 */
export interface MetricReadings {
  ledgerQueueDepth: () => number;
  holdsInFlight: () => number;
}

export function createMetrics() {
  const registry = new Registry();
  const readings: MetricReadings = { ledgerQueueDepth: () => 0, holdsInFlight: () => 0 };
  collectDefaultMetrics({ register: registry, prefix: 'webox_' });
  const registers = [registry];
  return {
    registry,
    readings,
    /** Model calls that ended, by surface (chat, gateway), provider, key source and HTTP status. */
    requests: new Counter({
      name: 'webox_requests_total',
      help: 'Model calls answered, by surface, provider, key source and status.',
      labelNames: ['surface', 'provider', 'key_source', 'status'] as const,
      registers,
    }),
    /** Whole call, first byte of the request to the last of the answer. */
    requestDuration: new Histogram({
      name: 'webox_request_duration_seconds',
      help: 'Time from a model call arriving to its answer ending.',
      labelNames: ['surface', 'provider'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    timeToFirstByte: new Histogram({
      name: 'webox_time_to_first_byte_seconds',
      help: "Time from a model call arriving to the answer's first byte.",
      labelNames: ['surface', 'provider'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    /** Refusals from providers, by WeBox's code (provider_rejected_key, provider_rate_limited…). */
    upstreamErrors: new Counter({
      name: 'webox_upstream_errors_total',
      help: 'Errors from providers, by provider and WeBox error code.',
      labelNames: ['provider', 'code'] as const,
      registers,
    }),
    ledgerQueueDepth: new Gauge({
      name: 'webox_ledger_queue_depth',
      help: 'Usage rows waiting to be written.',
      registers,
      collect() {
        this.set(readings.ledgerQueueDepth());
      },
    }),
    ledgerBatchDuration: new Histogram({
      name: 'webox_ledger_batch_duration_seconds',
      help: 'Time to write one batch of usage rows.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    /**
     * Rows the ledger could not write, by outcome: `retried` (the database failed; kept queued, so
     * one row may count at each try), `rejected` (refused for its data, set aside), `orphaned` (its
     * account was deleted meanwhile), `dropped` (the queue was full while the database was away).
     */
    ledgerRowsFailed: new Counter({
      name: 'webox_ledger_rows_failed_total',
      help: 'Usage rows the ledger could not write (retried, rejected, orphaned, dropped).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    holdsInFlight: new Gauge({
      name: 'webox_quota_holds_in_flight',
      help: 'Budget holds this instance keeps alive: calls in flight, and calls ended whose usage row is not written yet.',
      registers,
      collect() {
        this.set(readings.holdsInFlight());
      },
    }),
    alertsRaised: new Counter({
      name: 'webox_alerts_raised_total',
      help: 'Alerts raised by this instance, by kind.',
      labelNames: ['kind'] as const,
      registers,
    }),
    alertDeliveries: new Counter({
      name: 'webox_alert_deliveries_total',
      help: 'Alert delivery attempts, by channel and outcome.',
      labelNames: ['channel', 'outcome'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
