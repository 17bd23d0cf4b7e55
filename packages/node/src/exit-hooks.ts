/**
 * Flush on `beforeExit`, SIGTERM and SIGINT without taking the app's signal handling away. One set of
 * process listeners serves every client (so "are we the only listener?" has one answer):
 *
 * - If the app has its own listener for the signal, it runs as usual and decides whether to exit; we
 *   only flush (pino and OTel users rely on their own handlers calling `process.exit`).
 * - If ours is the only listener, Node's default (exit) would have happened: after the flush (bounded
 *   by the deadline) we remove our listener and re-raise the signal, so the exit looks the same.
 */

/** A client as the exit hooks see it. */
export interface ExitFlushable {
  /** Flushes with a deadline whose timer keeps the process alive. */
  flushForExit(): Promise<unknown>;
  /** Whether records are queued (not counting batches already in flight). */
  hasQueued(): boolean;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const clients = new Set<ExitFlushable>();
let flushingForSignal = false;

function flushAll(): Promise<unknown> {
  return Promise.all([...clients].map((c) => c.flushForExit().catch(() => undefined)));
}

function onBeforeExit(): void {
  // beforeExit fires again after our flush settles; only flush when something new is queued, so the
  // process can end.
  if ([...clients].some((c) => c.hasQueued())) void flushAll();
}

function onSignal(signal: NodeJS.Signals): void {
  const alone = process.listenerCount(signal) === 1;
  if (flushingForSignal) {
    // A second signal while flushing: if nobody else handles it, stop waiting.
    if (alone) reraise(signal);
    return;
  }
  flushingForSignal = true;
  void flushAll().finally(() => {
    flushingForSignal = false;
    if (alone) reraise(signal);
  });
}

function reraise(signal: NodeJS.Signals): void {
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  process.on('beforeExit', onBeforeExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  process.removeListener('beforeExit', onBeforeExit);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/**
 * Registers a client for exit flushing; the returned function unregisters it.
 *
 * @example
 * const off = registerExitHooks({ flushForExit: () => client.flush({ timeoutMs: 5000 }), hasQueued: () => true });
 * off();
 */
export function registerExitHooks(client: ExitFlushable): () => void {
  if (clients.size === 0) install();
  clients.add(client);
  return () => {
    if (clients.delete(client) && clients.size === 0) uninstall();
  };
}
