// A log read page by page (the request log, the journal): its filters live in the page's address,
// so a filtered list is a link; paging goes forward by the API's cursor and back through the
// cursors already seen, and new filters start again from the first page.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { filtersFromSearch } from './filter-form.tsx';

type Filters = Partial<Record<string, string>>;

/** The filters among `names` in the address, and `apply`, which writes new ones there. */
export function useAddressFilters<F extends Filters>(names: readonly string[]) {
  const [search, setSearch] = useSearchParams();
  const key = names.map((name) => `${name}=${search.get(name) ?? ''}`).join('&');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filters change when their key does
  const filters = useMemo(() => filtersFromSearch(names, search) as F, [key]);
  const apply = (params: F) => {
    const next = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value) next.set(name, value);
    setSearch(next);
  };
  return { filters, apply };
}

/** `fetchPage` must change only with the filters (a useCallback): each change starts at page one. */
export function useCursorPages<Page extends { nextCursor: string | null }>(
  fetchPage: (cursor: string | null) => Promise<Page>,
) {
  /** The cursors of the pages before this one (the first page's is null), and this page's. */
  const [trail, setTrail] = useState<Array<string | null>>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (at: string | null) => {
      setError(null);
      try {
        setPage(await fetchPage(at));
      } catch (caught) {
        setPage(null);
        setError(caught);
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    setTrail([]);
    setCursor(null);
    void load(null);
  }, [load]);

  const goNext = () => {
    if (!page?.nextCursor) return;
    setTrail((before) => [...before, cursor]);
    setCursor(page.nextCursor);
    void load(page.nextCursor);
  };
  const goBack = () => {
    const previous = trail.at(-1) ?? null;
    setTrail((before) => before.slice(0, -1));
    setCursor(previous);
    void load(previous);
  };
  return { page, error, goNext, goBack, hasPrevious: trail.length > 0, pageNumber: trail.length + 1 };
}
