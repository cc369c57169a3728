// Status and error messages, announced to screen readers.
import type { ReactNode } from 'react';

export function Notice({
  kind,
  children,
  testId,
  id,
}: {
  kind: 'error' | 'warning' | 'success' | 'info';
  children: ReactNode;
  testId?: string;
  /** For a field that the notice is about to point at it (aria-describedby). */
  id?: string;
}) {
  return (
    <div id={id} className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}
