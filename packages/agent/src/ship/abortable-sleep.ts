/**
 * Waits `ms`, or until `signal` aborts, or until the function handed to `onWake` is called (a reader
 * woken early when room appears).
 *
 * @example
 * await abortableSleep(250, stop.signal);
 */
export function abortableSleep(ms: number, signal: AbortSignal, onWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    onWake?.(done);
  });
}
