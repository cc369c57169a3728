// Data a page loads on mount and may reload (after a change it caused). A failure keeps the last
// value and says what went wrong; the page decides what to show.
import { useCallback, useEffect, useState } from 'react';

export function useLoaded<T>(load: () => Promise<T>) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  // `load` is a module-level function in every caller: it never changes between renders.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  const reload = useCallback(async () => {
    try {
      setValue(await load());
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { value, error, reload };
}
