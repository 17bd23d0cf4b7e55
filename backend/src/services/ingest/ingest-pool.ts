import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import { type PoolReply, type PoolRequest, WINDOW_BYTES } from './pool-protocol.js';
import { type PreparedBatch, type PrepareJob, prepareBatch } from './prepare-batch.js';

interface Pending {
  resolve(prepared: PreparedBatch): void;
  reject(err: unknown): void;
  consumed(bytes: number): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

// Under vitest or tsx this module is TypeScript source, and a worker's own `--import` does not
// apply to its entry on Node 20: the worker then boots through tsx's `tsImport` API. Built, the
// worker is plain JS beside the bundle in dist/.
const SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(SOURCE ? './ingest-worker.ts' : './ingest-worker.js', import.meta.url);

function newWorker(): Worker {
  if (!SOURCE) return new Worker(WORKER_URL);
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const target = JSON.stringify(WORKER_URL.href);
  return new Worker(`import(${JSON.stringify(api)}).then((m) => m.tsImport(${target}, ${target}))`, { eval: true });
}

function tooLarge(limit: number): AppError {
  return new AppError('payload_too_large', `the request body exceeds ${limit} bytes`, { details: { limit } });
}

/**
 * Runs the CPU-heavy half of ingest (decode, normalize, serialize, gzip: `prepareBatch`) on
 * worker threads, so the main thread only moves bytes, talks to the stores and answers. Body
 * chunks are forwarded as they arrive, so the limits still cut a body while it streams; the raw
 * limit is also counted here so a refused body stops being read at once. Workers start on first
 * use (apps that never ingest start none) and a crashed worker is replaced. With `workers: 0`
 * everything runs inline.
 *
 * @example
 * const pool = new IngestPool(2);
 * const prepared = await pool.prepare(request.raw, { form, encoding, limits, receivedAt });
 * await pool.close();
 */
export class IngestPool {
  readonly #size: number;
  readonly #slots: Slot[] = [];
  #nextId = 0;
  #closed = false;

  constructor(workers: number) {
    this.#size = Math.max(0, Math.floor(workers));
  }

  /** Decodes, normalizes and serializes one body (see `prepareBatch`). */
  async prepare(body: Readable, job: PrepareJob): Promise<PreparedBatch> {
    if (this.#size === 0 || this.#closed) return prepareBatch(body, job);
    const slot = this.#pick();
    const id = ++this.#nextId;
    let failure: unknown;
    let consumed = 0;
    let wake: (() => void) | undefined;
    const settled = new Promise<PreparedBatch>((resolve, reject) => {
      slot.pending.set(id, {
        resolve,
        reject,
        consumed: (bytes) => {
          consumed = bytes;
          wake?.();
        },
      });
    });
    settled.then(
      () => wake?.(),
      (err: unknown) => {
        failure = err;
        wake?.();
      },
    );
    const post = (message: PoolRequest, transfer: ArrayBuffer[] = []) => slot.worker.postMessage(message, transfer);
    post({ type: 'start', id, job });
    let raw = 0;
    try {
      for await (const chunk of body.iterator({ destroyOnReturn: false })) {
        // The worker refused the body already (a limit, bad gzip): stop reading it.
        if (failure !== undefined) break;
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        raw += buf.length;
        if (raw > job.limits.maxBodyBytes) throw tooLarge(job.limits.maxBodyBytes);
        // A copy with its own ArrayBuffer moves to the worker; the socket's buffer stays ours.
        const data = new Uint8Array(buf);
        post({ type: 'chunk', id, data }, [data.buffer]);
        while (raw - consumed > WINDOW_BYTES && failure === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      }
      if (failure === undefined) post({ type: 'end', id });
    } catch (err) {
      slot.pending.delete(id);
      post({ type: 'abort', id });
      throw err;
    }
    return settled;
  }

  /** Stops the workers; bodies in progress fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  #pick(): Slot {
    // All workers start together on first use (and after a crash), so no request later waits
    // behind a worker that is still booting while another sits idle.
    while (this.#slots.length < this.#size) this.#spawn();
    let best = this.#slots[0] as Slot;
    for (const s of this.#slots) if (s.pending.size < best.pending.size) best = s;
    return best;
  }

  #spawn(): Slot {
    const worker = newWorker();
    // Idle workers must not keep the process alive.
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: PoolReply) => {
      const pending = slot.pending.get(reply.id);
      if (!pending) return;
      if (reply.type === 'consumed') {
        pending.consumed(reply.bytes);
        return;
      }
      slot.pending.delete(reply.id);
      if (reply.type === 'done') pending.resolve(reply.prepared);
      else if (reply.error.code === 'internal') {
        // An unexpected failure: its message is for the log (as the cause), not for the client.
        pending.reject(new AppError('internal', undefined, { cause: new Error(reply.error.message) }));
      } else pending.reject(new AppError(reply.error.code, reply.error.message, { details: reply.error.details }));
    });
    const fail = (err: unknown) => {
      const index = this.#slots.indexOf(slot);
      if (index >= 0) this.#slots.splice(index, 1);
      for (const p of slot.pending.values()) p.reject(new AppError('internal', undefined, { cause: err }));
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`ingest worker exited with ${code}`)));
    this.#slots.push(slot);
    return slot;
  }
}
