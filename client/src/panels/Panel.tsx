import { type ReactNode, useId } from 'react';

interface PanelProps {
  /** Lower-case id used in `data-testid="panel-<id>"`. */
  id: string;
  title: string;
  children: ReactNode;
}

/** One titled section of the side panel. */
export function Panel({ id, title, children }: PanelProps) {
  const headingId = useId();
  return (
    <section className="panel" data-testid={`panel-${id}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="panel-title">
        {title}
      </h2>
      {children}
    </section>
  );
}

interface EmptyStateProps {
  /** What will appear here once there is data. */
  what: ReactNode;
  /** Why it is empty now and what to do about it. */
  todo: ReactNode;
}

/** Says plainly what is missing and how to get it, rather than showing placeholder numbers. */
export function EmptyState({ what, todo }: EmptyStateProps) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <p className="empty-what">{what}</p>
      <p className="empty-todo">{todo}</p>
    </div>
  );
}
