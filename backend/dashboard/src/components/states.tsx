import type { ReactNode } from 'react';
import { button } from '../lib/ui.js';

const STATE = 'flex justify-center gap-2 p-4';

/** A loading placeholder that keeps its room (`minHeight`), so nothing jumps when data arrives. */
export function Loading({ label, minHeight }: { label: string; minHeight?: number }) {
  return (
    <div
      className={`${STATE} flex-row items-center text-muted`}
      role="status"
      aria-live="polite"
      data-testid="loading"
      style={minHeight ? { minHeight } : undefined}
    >
      <span
        className="size-4 animate-spin rounded-full border-2 border-border border-t-accent motion-reduce:animate-none"
        aria-hidden="true"
      />
      <span>{label}…</span>
    </div>
  );
}

/** An error with what went wrong and a way to try again. */
export function ErrorState(props: { title: string; message: string; onRetry?: () => void; minHeight?: number }) {
  return (
    <div
      className={`${STATE} flex-col items-start rounded-lg border border-danger text-text`}
      role="alert"
      style={props.minHeight ? { minHeight: props.minHeight } : undefined}
    >
      <strong className="text-danger">{props.title}</strong>
      <span>{props.message}</span>
      {props.onRetry && (
        <button type="button" className={button()} onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Nothing to show yet, and what to do about it. */
export function Empty({ children, minHeight }: { children: ReactNode; minHeight?: number }) {
  return (
    <div
      className={`${STATE} flex-col items-start rounded-lg border border-dashed border-border text-muted`}
      style={minHeight ? { minHeight } : undefined}
    >
      {children}
    </div>
  );
}
