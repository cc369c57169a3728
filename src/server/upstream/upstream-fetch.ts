// The fetch handed to the AI SDK for one provider call. It enforces WEBOX_UPSTREAM_TIMEOUT_MS on
// connect + first byte and on every silence inside the answer's body, and remembers that it was
// the timer (not the client, not the provider) that ended the call.
export interface UpstreamCall {
  fetch: typeof globalThis.fetch;
  readonly timedOut: boolean;
}

export function createUpstreamCall(timeoutMs: number): UpstreamCall {
  let timedOut = false;
  const timedFetch: typeof globalThis.fetch = async (input, init) => {
    const controller = new AbortController();
    const outer = init?.signal;
    if (outer?.aborted) controller.abort(outer.reason);
    outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true });

    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (controller.signal.aborted) return;
        timedOut = true;
        controller.abort(new DOMException('The provider did not answer in time.', 'TimeoutError'));
      }, timeoutMs);
    };

    arm();
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal: controller.signal });
    } catch (error) {
      clearTimeout(timer);
      throw error;
    }
    if (!response.body) {
      clearTimeout(timer);
      return response;
    }
    // Every chunk re-arms the timer; the end of the body disarms it.
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        start: arm,
        transform(chunk, stream) {
          arm();
          stream.enqueue(chunk);
        },
        flush: () => clearTimeout(timer),
      }),
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetch: timedFetch,
    get timedOut() {
      return timedOut;
    },
  };
}
