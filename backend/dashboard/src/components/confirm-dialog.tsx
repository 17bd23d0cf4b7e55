import { type ReactNode, useEffect, useRef, useState } from 'react';
import { messageOf } from '../api/http.js';
import { button, fieldError, row } from '../lib/ui.js';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Runs on confirm; the dialog stays open showing the error if it throws. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/**
 * A modal confirmation on the native `<dialog>`: focus is trapped and Escape closes it for free;
 * `showModal` focuses the first button (Cancel, the safe choice), and focus returns to the opener.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.showModal();
    return () => opener?.focus();
  }, []);
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <dialog
      ref={ref}
      className="max-w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-border bg-surface p-5 text-text backdrop:bg-[rgba(0,0,0,0.45)]"
      aria-labelledby="confirm-title"
      onClose={props.onClose}
    >
      <h2 id="confirm-title" className="wrap-anywhere">
        {props.title}
      </h2>
      <div>{props.children}</div>
      {error && (
        <p className={fieldError} role="alert">
          {error}
        </p>
      )}
      <div className={`${row} justify-end`}>
        <button type="button" className={button()} onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" className={button('danger')} onClick={confirm} disabled={busy}>
          {busy ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
