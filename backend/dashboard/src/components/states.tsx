import type { ReactNode } from 'react';

/** A loading placeholder that keeps its room (`minHeight`), so nothing jumps when data arrives. */
export function Loading({ label, minHeight }: { label: string; minHeight?: number }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite" style={minHeight ? { minHeight } : undefined}>
      <span className="spinner" aria-hidden="true" />
      <span>{label}…</span>
    </div>
  );
}

/** An error with what went wrong and a way to try again. */
export function ErrorState(props: { title: string; message: string; onRetry?: () => void; minHeight?: number }) {
  return (
    <div
      className="state state-error"
      role="alert"
      style={props.minHeight ? { minHeight: props.minHeight } : undefined}
    >
      <strong>{props.title}</strong>
      <span>{props.message}</span>
      {props.onRetry && (
        <button type="button" className="btn" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Nothing to show yet, and what to do about it. */
export function Empty({ children, minHeight }: { children: ReactNode; minHeight?: number }) {
  return (
    <div className="state state-empty" style={minHeight ? { minHeight } : undefined}>
      {children}
    </div>
  );
}
