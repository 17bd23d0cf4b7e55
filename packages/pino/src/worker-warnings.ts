import { writeSync } from 'node:fs';
import type { CloudSageError } from '@cloudsage/node';

// At most one warning per code in this window: a backend that rejects every batch must not flood stderr.
const WINDOW_MS = 60_000;

/**
 * Writes a warning line the way Node prints process warnings, straight to file descriptor 2. Not
 * `process.emitWarning`: in pino's worker thread it would print on the worker's stderr, an async pipe
 * to the app's thread, and the last warnings before exit (the final flush's) would be lost with it.
 */
function writeWarning(message: string, options: { type: string; code: string }): void {
  try {
    writeSync(2, `(node:${process.pid}) [${options.code}] ${options.type}: ${message}\n`);
  } catch {
    // stderr closed: nowhere left to say it.
  }
}

/**
 * The `onError` of a client in pino's worker thread, where the app cannot pass a function: each
 * problem becomes a coded warning line on stderr (`[CLOUDSAGE_BATCH_FAILED] CloudSageWarning: ...`),
 * at most once a minute per code. Without it a wrong API key would lose every record silently.
 *
 * @example
 * new CloudSage({ ...options, onError: createWarningReporter() });
 */
export function createWarningReporter(
  emit: (message: string, options: { type: string; code: string }) => void = writeWarning,
  now: () => number = Date.now,
): (error: CloudSageError) => void {
  const last = new Map<string, number>();
  return (error) => {
    const code = `CLOUDSAGE_${String(error.code).toUpperCase()}`;
    const at = now();
    const previous = last.get(code);
    if (previous !== undefined && at - previous < WINDOW_MS) return;
    last.set(code, at);
    const status = error.status === undefined ? '' : ` (HTTP ${error.status})`;
    emit(`@cloudsage/pino: ${error.message}${status}`, { type: 'CloudSageWarning', code });
  };
}
