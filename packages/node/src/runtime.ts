import type { BodyEncoder } from './batch.js';
import type { CloudSageError } from './errors.js';
import type { ExitFlushable } from './exit-hooks.js';
import type { HttpClient } from './http.js';
import type { WarningSink } from './notices.js';
import type { SpoolStore } from './spool/spool-store.js';

/**
 * What the client needs from the platform it runs on. The core (client, buffer, shipper, retries,
 * redaction) imports no platform module; each entry point hands it one of these: `runtime-node.ts`
 * (zlib, undici, signals, the on-disk spool) or `runtime-web.ts` (CompressionStream and fetch, for
 * Workers, Vercel Edge and Deno), so the web entry loads with no Node built-in.
 */
export interface Runtime {
  /** The body of a batch. */
  encode: BodyEncoder;
  /** The HTTP layer over the endpoint when no `fetch` option is given. */
  http(endpoint: string, connections: number): HttpClient;
  /** Where a coded warning goes when no `stderr` option is given (see `Notices`). */
  warn: WarningSink;
  /** Flush on the process's exit signals; answers the function that removes the hooks. */
  registerExitHooks?(client: ExitFlushable): () => void;
  /** Runs `fn` synchronously when the process exits (the spool's last write); answers its remover. */
  onHardExit?(fn: () => void): () => void;
  /**
   * The directory `spoolDir: 'auto'` means for this client: one per user and per backend, key and
   * project (`identity`), so that two apps on one machine never re-send each other's batches.
   */
  autoSpoolDir?(identity: string): string;
  /** The on-disk spool; a runtime without a file system has none (`spoolDir` is refused there). */
  openSpool?(
    dir: string,
    limits: { maxBytes: number; maxAgeMs: number },
    now: () => number,
    report: (error: CloudSageError) => void,
  ): SpoolStore;
}
