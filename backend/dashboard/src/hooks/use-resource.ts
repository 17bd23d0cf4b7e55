import { useCallback, useEffect, useRef, useState } from 'react';

/** The state of one asynchronous load. */
export type Resource<T> =
  | { status: 'loading'; data: T | undefined; error: undefined }
  | { status: 'ready'; data: T; error: undefined }
  | { status: 'error'; data: T | undefined; error: unknown };

/**
 * Runs `load` whenever `key` changes (name everything the load depends on in it) and keeps its
 * state; `reload` runs it again keeping the data on screen meanwhile (no flash back to a spinner),
 * and `set` replaces the data (live updates).
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, key: string) {
  const [state, setState] = useState<Resource<T>>({ status: 'loading', data: undefined, error: undefined });
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const run = useCallback((keep: boolean) => {
    const mine = ++generation.current;
    const controller = new AbortController();
    setState((s) => ({ status: 'loading', data: keep ? s.data : undefined, error: undefined }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (mine === generation.current) setState({ status: 'ready', data, error: undefined });
      },
      (error: unknown) => {
        if (mine !== generation.current || (error as Error)?.name === 'AbortError') return;
        setState((s) => ({ status: 'error', data: s.data, error }));
      },
    );
    return controller;
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what `load` depends on.
  useEffect(() => {
    const controller = run(false);
    return () => {
      generation.current++;
      controller.abort();
    };
  }, [key, run]);

  const reload = useCallback(() => void run(true), [run]);
  const set = useCallback((update: (data: T | undefined) => T) => {
    setState((s) => ({ status: 'ready', data: update(s.data), error: undefined }));
  }, []);
  return { ...state, reload, set };
}
