import { registerExitHooks } from './exit-hooks.js';
import { gzipLines } from './gzip.js';
import { createFetchHttp } from './http-fetch.js';
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
  // fetch (native, keep-alive) carries the requests.
  http: (endpoint, connections) =>
    'Bun' in globalThis
      ? createFetchHttp(endpoint, (input, init) => globalThis.fetch(input, init))
      : createUndiciHttp(endpoint, connections),
  get stderr() {
    return process.stderr;
  },
  registerExitHooks,
  onHardExit(fn) {
    process.on('exit', fn);
    return () => process.removeListener('exit', fn);
  },
  openSpool: (dir, limits, now, report) => new SpoolStore(dir, limits, now, report),
};
