import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { registerExitHooks } from './exit-hooks.js';
import { gzipLines } from './gzip.js';
import { createFetchHttp } from './http-fetch.js';
import { createNodeHttp } from './http-node.js';
import { createUndiciHttp } from './http-undici.js';
import type { Runtime } from './runtime.js';
import { SpoolStore } from './spool/spool-store.js';

/**
 * Node's runtime: gzip on libuv's thread pool, undici keep-alive connections, flushes on SIGTERM,
 * SIGINT and `beforeExit`, and the on-disk spool. Bun uses it too (it has these modules).
 */
export const nodeRuntime: Runtime = {
  encode: gzipLines,
  // Bun answers `import('undici')` with a shim whose responses carry no body stream: there, Bun's own
  // fetch (native, keep-alive) carries the requests. In a worker thread (pino's transport) node:http
  // does: undici's load (~65 ms of CPU in the bench's profile, taken from the first burst's delivery)
  // would be paid again in every transport's thread.
  http: (endpoint, connections) =>
    'Bun' in globalThis
      ? createFetchHttp(endpoint, (input, init) => globalThis.fetch(input, init))
      : isMainThread
        ? createUndiciHttp(endpoint, connections)
        : createNodeHttp(endpoint, connections),
  warn(message, code) {
    // In the app's thread Node prints it (and `--no-warnings`, `--trace-warnings` and 'warning'
    // listeners apply). In a worker thread (pino's transport) process warnings travel to the app over
    // an async pipe and the last ones before exit are lost: write the same line to fd 2 at once.
    if (isMainThread) process.emitWarning(message, { type: 'CloudSageWarning', code });
    else writeSync(2, `(node:${process.pid}) [${code}] CloudSageWarning: ${message}\n`);
  },
  registerExitHooks,
  onHardExit(fn) {
    process.on('exit', fn);
    return () => process.removeListener('exit', fn);
  },
  autoSpoolDir(identity) {
    // XDG's state directory (logs, history: data that outlives a run but is not precious), or its
    // Windows counterpart.
    const base =
      process.env.XDG_STATE_HOME ||
      (process.platform === 'win32' && process.env.LOCALAPPDATA) ||
      join(homedir(), '.local', 'state');
    return join(base, 'cloudsage', 'spool', createHash('sha256').update(identity).digest('hex').slice(0, 16));
  },
  openSpool: (dir, limits, now, report) => new SpoolStore(dir, limits, now, report),
};
