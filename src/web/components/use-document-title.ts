import { useEffect } from 'react';

/** The tab's title: "<page> · WeBox". */
export function useDocumentTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · WeBox` : 'WeBox';
  }, [title]);
}
