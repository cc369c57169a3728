// A module imported on the first call and kept, for what start-up should not pay for (issue 13:
// resident memory). Each AI SDK provider package, the AI SDK itself, Stripe's SDK and PGlite cost
// several MB each; most instances use a few of them, some none.
/** The first call starts the import; every later call gets the same promise. */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      // A failed import (a file missing mid-upgrade) is tried again on the next call.
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
