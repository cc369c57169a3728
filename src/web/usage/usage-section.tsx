// A card of the usage pages: a heading, actions beside it (an export link), and its content.
import type { ReactNode } from 'react';

export function UsageSection({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card usage-section">
      <div className="usage-section-header">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
