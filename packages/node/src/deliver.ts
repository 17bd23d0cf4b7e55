import pRetry from 'p-retry';
import { type Batch, splitBatch } from './batch.js';
import { type Clock, sleep } from './clock.js';
import { CloudSageError } from './errors.js';
import { backoffDelay, type RetryOptions } from './retry-policy.js';
import type { Sender, SendResult } from './send.js';

/** How a batch ended after retries and splits. */
export interface DeliveryOutcome {
  sent: number;
  failed: number;
  /** The last failure, for `onError`. */
  failure?: Extract<SendResult, { kind: 'failed' | 'retryable' | 'too_large' }>;
  /** Records written to the spool instead of being given up. */
  spooled?: number;
}

/** What {@link deliver} needs. */
export interface DeliveryContext {
  sender: Sender;
  retry: RetryOptions | false;
  clock: Clock;
  random: () => number;
  signal: AbortSignal;
  /** Called before each retry (for the `retried` statistic). */
  onRetry(): void;
  /**
   * Offered a batch the backend could not take within the retry budget (or that a shutdown cut
   * off); answers true when it kept the batch (the on-disk spool), which then is not given up.
   */
  spool?: (batch: Batch) => boolean;
}

class RetryableAttempt extends Error {
  constructor(readonly result: Extract<SendResult, { kind: 'retryable' }>) {
    super(result.message);
  }
}

/** One batch through the sender with full-jitter retries (p-retry) inside the retry budget. */
async function attemptWithRetries(batch: Batch, ctx: DeliveryContext): Promise<SendResult> {
  const retry = ctx.retry;
  if (retry === false) return ctx.sender.send(batch, { signal: ctx.signal });
  const started = ctx.clock.now();
  try {
    return await pRetry(
      async () => {
        const result = await ctx.sender.send(batch, { signal: ctx.signal });
        if (result.kind === 'retryable' && !ctx.signal.aborted) throw new RetryableAttempt(result);
        return result;
      },
      {
        retries: retry.retries,
        // p-retry's own delay is off (0); the wait below is full jitter or Retry-After, on our clock.
        minTimeout: 0,
        factor: 1,
        async onFailedAttempt({ error, attemptNumber, retriesLeft }) {
          if (retriesLeft <= 0 || !(error instanceof RetryableAttempt)) return;
          const wait = error.result.retryAfterMs ?? backoffDelay(attemptNumber, retry, ctx.random);
          if (ctx.clock.now() - started + wait > retry.maxRetryTimeMs) throw error;
          await sleep(ctx.clock, wait, ctx.signal);
          if (ctx.signal.aborted) throw error;
          ctx.onRetry();
        },
      },
    );
  } catch (err) {
    if (err instanceof RetryableAttempt) return err.result;
    return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The `batch_failed` error reported when records of a batch are given up.
 *
 * @example
 * if (outcome.failed > 0) report(batchFailedError(batch, outcome));
 */
export function batchFailedError(batch: Batch, outcome: DeliveryOutcome, spooled = false): CloudSageError {
  const f = outcome.failure;
  const what = spooled ? 'spooled record(s)' : 'record(s)';
  return new CloudSageError('batch_failed', `gave up ${outcome.failed} ${what}: ${f?.message ?? 'unknown error'}`, {
    ...(f?.status === undefined ? {} : { status: f.status }),
    ...(f && 'serverCode' in f && f.serverCode ? { serverCode: f.serverCode } : {}),
    details: { idempotencyKey: batch.idempotencyKey, kind: f?.kind, ...(spooled ? { spooled } : {}) },
  });
}

/**
 * Delivers a batch: retries what is retryable, splits on 413 (down to single records), and reports how
 * many records were sent and how many were given up. Never rejects.
 *
 * @example
 * const outcome = await deliver(batch, ctx); // { sent: 1000, failed: 0 }
 */
export async function deliver(batch: Batch, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  let result: SendResult;
  try {
    result = await attemptWithRetries(batch, ctx);
  } catch (err) {
    result = { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
  const n = batch.lines.length;
  if (result.kind === 'sent') return { sent: n, failed: 0 };
  if (result.kind === 'too_large' && n > 1 && !ctx.signal.aborted) {
    const [left, right] = splitBatch(batch);
    const a = await deliver(left, ctx);
    const b = await deliver(right, ctx);
    const out: DeliveryOutcome = { sent: a.sent + b.sent, failed: a.failed + b.failed };
    const spooled = (a.spooled ?? 0) + (b.spooled ?? 0);
    if (spooled > 0) out.spooled = spooled;
    const failure = b.failure ?? a.failure;
    if (failure) out.failure = failure;
    return out;
  }
  if ((result.kind === 'retryable' || ctx.signal.aborted) && ctx.spool?.(batch))
    return { sent: 0, failed: 0, spooled: n };
  return { sent: 0, failed: n, failure: result };
}
