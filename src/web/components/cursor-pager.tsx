// The pager under a log read by cursor (use-cursor-pages.ts): previous, the page's number (read
// out when it changes), next.
export function CursorPager({
  label,
  previous,
  next,
  pageText,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
}: {
  label: string;
  previous: string;
  next: string;
  pageText: string;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button button-small" disabled={!hasPrevious} onClick={onPrevious}>
        {previous}
      </button>
      <span aria-live="polite">{pageText}</span>
      <button type="button" className="button button-small" disabled={!hasNext} onClick={onNext}>
        {next}
      </button>
    </nav>
  );
}
