import type { IngestResponse } from '@cloudsage/schema';
import { type IngestBatch, utf8Length } from './ingest-batches.js';
import { backoffMs, classifyIngestFailure } from './ingest-retry.js';
import type { IngestTally } from './ingest-tally.js';

/** Sends one batch; answers the 202 body or throws the API's error. */
export type SendBatch = (
  batch: IngestBatch,
  options: { idempotencyKey: string; signal: AbortSignal },
) => Promise<IngestResponse>;

/** Options of {@link uploadBatches}. */
export interface UploadOptions {
  send: SendBatch;
  signal: AbortSignal;
  /** Requests in flight at once (the server decodes on a small worker pool). */
  concurrency?: number;
  /** Tries a batch gets when the server is busy or unreachable. */
  maxAttempts?: number;
  /** A longer `Retry-After` (a daily quota) stops the upload instead of waiting. */
  maxRetryWaitMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The upload's Idempotency-Key prefix; each batch appends its number. */
  newKey?: () => string;
  /** Told when a batch is settled (stored, refused or failed), for the progress bar. */
  onSettled?: (batch: IngestBatch) => void;
}

/** How an upload ended; `lastRead` is the number of the last item read from the input. */
export type UploadEnd =
  | { kind: 'done' }
  | { kind: 'cancelled'; lastRead: number }
  | { kind: 'stopped'; reason: string; lastRead: number };

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function randomKey(): string {
  // getRandomValues works on plain-HTTP origins too, where randomUUID does not exist.
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `dashboard-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function bytesOf(form: IngestBatch['form'], items: string[]): number {
  const joined = items.reduce((n, item) => n + utf8Length(item), 0) + Math.max(0, items.length - 1);
  return form === 'json' ? joined + 2 : joined;
}

/** A batch in two, each half keeping its items' original numbers. */
export function halves(batch: IngestBatch): [IngestBatch, IngestBatch] {
  const mid = Math.ceil(batch.items.length / 2);
  const part = (items: string[], numbers: number[]): IngestBatch => {
    const bytes = bytesOf(batch.form, items);
    return { form: batch.form, items, numbers, bytes, inputBytes: bytes };
  };
  const a = part(batch.items.slice(0, mid), batch.numbers.slice(0, mid));
  const b = part(batch.items.slice(mid), batch.numbers.slice(mid));
  // Blank and refused lines before the batch settle with its first half.
  a.inputBytes = Math.max(0, batch.inputBytes - b.inputBytes);
  return [a, b];
}

/**
 * Sends an upload's batches one after another (`concurrency` at once), adding every answer to
 * `tally`. A 413 halves the batch (a server configured below the defaults); 429 and 503 wait for
 * `Retry-After` and try again; a refused batch is reported and the rest go on; a failure no
 * later batch can escape (401, 404, the server gone after every retry) stops the upload. Never
 * throws for a failed request; only the batch source may throw (a JSON paste that does not parse).
 *
 * @example
 * const end = await uploadBatches(batchesOf(input, plan, limits, tally), tally, { send, signal });
 */
export async function uploadBatches(
  batches: AsyncIterable<IngestBatch>,
  tally: IngestTally,
  o: UploadOptions,
): Promise<UploadEnd> {
  const concurrency = Math.max(1, o.concurrency ?? 2);
  const maxAttempts = o.maxAttempts ?? 5;
  const maxRetryWaitMs = o.maxRetryWaitMs ?? 60_000;
  const sleep = o.sleep ?? sleepFor;
  const runKey = (o.newKey ?? randomKey)();
  let stopped: string | undefined;
  let lastRead = 0;

  const sendOne = async (batch: IngestBatch, key: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      if (o.signal.aborted || stopped !== undefined) return tally.notSent(batch);
      try {
        tally.answered(batch, await o.send(batch, { idempotencyKey: key, signal: o.signal }));
        return;
      } catch (err) {
        if (o.signal.aborted) return tally.notSent(batch);
        const action = classifyIngestFailure(err);
        if (action.kind === 'split') {
          if (batch.items.length === 1) return tally.refusedBy(batch, action.message);
          const [a, b] = halves(batch);
          await sendOne(a, `${key}a`);
          await sendOne(b, `${key}b`);
          return;
        }
        if (action.kind === 'retry') {
          const wait = action.afterMs ?? backoffMs(attempt);
          if (attempt < maxAttempts && wait <= maxRetryWaitMs) {
            await sleep(wait, o.signal);
            continue;
          }
          const why =
            wait > maxRetryWaitMs
              ? `${action.message} (the server asks to wait ${Math.ceil(wait / 1000)} s)`
              : `${action.message} (after ${attempt} tries)`;
          stopped ??= why;
          return tally.notSent(batch, why);
        }
        if (action.kind === 'stop') stopped ??= action.message;
        return tally.notSent(batch, action.message);
      }
    }
  };

  const inFlight = new Set<Promise<void>>();
  let n = 0;
  try {
    for await (const batch of batches) {
      if (o.signal.aborted || stopped !== undefined) {
        tally.notSent(batch);
        lastRead = batch.numbers[batch.numbers.length - 1] ?? lastRead;
        break;
      }
      lastRead = batch.numbers[batch.numbers.length - 1] ?? lastRead;
      const p: Promise<void> = sendOne(batch, `${runKey}-${n++}`).then(() => {
        inFlight.delete(p);
        o.onSettled?.(batch);
      });
      inFlight.add(p);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  } finally {
    await Promise.all(inFlight);
  }
  if (stopped !== undefined) return { kind: 'stopped', reason: stopped, lastRead };
  if (o.signal.aborted) return { kind: 'cancelled', lastRead };
  return { kind: 'done' };
}
