import { type ReactNode, useId } from 'react';

interface PanelProps {
  /** Lower-case id used in `data-testid="panel-<id>"`. */
  id: string;
  title: string;
  /** Something beside the title, e.g. a live badge or a close button. */
  aside?: ReactNode;
  children: ReactNode;
}

/** One titled section of the side panel. */
export function Panel({ id, title, aside, children }: PanelProps) {
  const headingId = useId();
  return (
    <section className="panel" data-testid={`panel-${id}`} aria-labelledby={headingId}>
      <div className="panel-head">
        <h2 id={headingId} className="panel-title">
          {title}
        </h2>
        {aside}
      </div>
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

/** A short error line with a retry button. */
export function ErrorLine({ what, error, onRetry }: { what: string; error: Error; onRetry?: () => void }) {
  return (
    <p className="error-inline" role="alert">
      Could not load {what}: {error.message}{' '}
      {onRetry ? (
        <button type="button" className="button button-small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </p>
  );
}

/** A figure with its label and, below, how it was worked out. */
export function Figure({ label, value, note, testId }: { label: string; value: ReactNode; note?: ReactNode; testId?: string }) {
  return (
    <div className="figure" data-testid={testId}>
      <dt className="figure-label">{label}</dt>
      <dd className="figure-value">{value}</dd>
      {note ? <dd className="figure-note">{note}</dd> : null}
    </div>
  );
}
