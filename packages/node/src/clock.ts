/** An opaque timer handle as returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Time as the client sees it. Injected so tests can be deterministic (STYLE habit 12); the default
 * reads the globals at call time, so vitest's fake timers apply to it too.
 *
 * @example
 * const clock: Clock = { now: () => 0, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Schedules `fn`; the returned timer must not keep the process alive unless `ref` is true. */
  setTimeout(fn: () => void, ms: number, ref?: boolean): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now` and unref'd `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms, ref = false) {
    const t = setTimeout(fn, ms);
    if (!ref) t.unref?.();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/**
 * Resolves after `ms` (an unref'd timer), or early when `signal` aborts.
 *
 * @example
 * await sleep(systemClock, 100);
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const onAbort = () => {
      clock.clearTimeout(handle);
      resolve();
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
