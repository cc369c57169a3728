// Status and error messages, announced to screen readers.
import type { ReactNode } from 'react';

export function Notice({
  kind,
  children,
  testId,
}: {
  kind: 'error' | 'warning' | 'success' | 'info';
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}
