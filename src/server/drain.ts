// The graceful stop (SIGTERM, SIGINT: main.ts). WeBox stops accepting connections and lets the
// requests in flight finish, for up to WEBOX_DRAIN_TIMEOUT_MS. Then it ends the model calls still
// running: each stream gets an error event (code server_shutting_down) and its end, and is metered
// on its estimate like any answer cut short. Whatever is left is closed a moment later; then the
// usage ledger is flushed, the database closed, and the process exits 0. Meanwhile /readyz answers
// 503, so that a load balancer stops sending, and a request that still arrives on an open
// connection is refused with 503 server_shutting_down.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { httpErrors } from './http-errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    drain: Drain;
  }
}

/** Routes that still answer during the stop: liveness, and readiness (which answers 503 itself). */
const ANSWERED_WHILE_DRAINING = new Set(['/healthz', '/readyz']);

/** After the drain period, how long the streams it ended have to write their end before every connection is closed. */
const CUT_GRACE_MS = 2_000;
/** Connections that fall idle during the stop (a stream ended on a kept-alive one) are closed this often. */
const IDLE_SWEEP_MS = 250;

export interface Drain {
  /** True from the stop signal on. */
  readonly draining: boolean;
  /**
   * Aborts the controller with httpErrors.shuttingDown() if the drain period ends before the response
   * does (model calls: their route then writes the error event and meters what was used).
   */
  track(controller: AbortController, response: ServerResponse): void;
  /** The refusal of a request that arrives during the stop, or null. */
  refusal(request: FastifyRequest): AppError | null;
  begin(): void;
  /** Ends every tracked request: the drain period is over. */
  cut(): void;
}

export function createDrain(): Drain {
  let draining = false;
  let ended = false;
  const inFlight = new Set<AbortController>();
  return {
    get draining() {
      return draining;
    },
    track(controller, response) {
      if (ended) {
        controller.abort(httpErrors.shuttingDown());
        return;
      }
      inFlight.add(controller);
      response.once('close', () => inFlight.delete(controller));
    },
    refusal(request) {
      if (!draining || ANSWERED_WHILE_DRAINING.has(request.routeOptions.url ?? '')) return null;
      return httpErrors.shuttingDown();
    },
    begin() {
      draining = true;
    },
    cut() {
      ended = true;
      const error = httpErrors.shuttingDown();
      for (const controller of inFlight) controller.abort(error);
      inFlight.clear();
    },
  };
}

/** The error a request's call was ended with by the stop, or null (still running, or the client left). */
export function shutdownReason(signal: AbortSignal): AppError | null {
  const reason: unknown = signal.aborted ? signal.reason : null;
  return reason instanceof AppError && reason.code === 'server_shutting_down' ? reason : null;
}

/**
 * Stops the app: resolves once every connection is closed and every plugin has closed (the
 * ledger flushed, the database closed, the embedded lock released).
 */
export async function stopGracefully(app: FastifyInstance, drainTimeoutMs: number) {
  app.drain.begin();
  // Fastify's close stops accepting at once and waits for the open connections to end before it
  // closes the plugins (connections idle at that instant are closed by Node).
  const closed = app.close();
  const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
  let lastCut: NodeJS.Timeout | undefined;
  const deadline = setTimeout(() => {
    app.log.warn({ drainTimeoutMs }, 'drain period over: ending the requests still running');
    app.drain.cut();
    // Requests that are not model calls (a key being verified) are cut with their connection.
    lastCut = setTimeout(() => app.server.closeAllConnections(), CUT_GRACE_MS);
  }, drainTimeoutMs);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
    clearTimeout(lastCut);
  }
}
