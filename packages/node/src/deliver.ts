import { type Batch, batchRecords, splitBatch } from './batch.js';
import { type Clock, sleep } from './clock.js';
import { CloudSageError, type CloudSageErrorCode } from './errors.js';
import { backoffDelay, isHeldStatus, type RetryOptions } from './retry-policy.js';
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
  /** Called when the backend refused the batch for its key or project (401/403/404): it is kept. */
  onHeld?(batch: Batch, result: Extract<SendResult, { kind: 'failed' }>): void;
  /**
   * Offered a batch the backend could not take within the age limit (or that a shutdown cut
   * off); answers true when it kept the batch (the on-disk spool), which then is not given up.
   */
  spool?: (batch: Batch) => boolean;
}

/**
 * One batch through the sender, tried again until it is taken, refused for good, or older than
 * `retry.maxAgeMs`: full-jitter backoff (or `Retry-After`) after a retryable answer, `retry.reprobeMs`
 * after a 401/403/404 (a setting to fix, reported through `onHeld`). Waits on the client's clock, and
 * a shutdown's abort ends the wait.
 */
async function attemptUntilSettled(batch: Batch, ctx: DeliveryContext): Promise<SendResult> {
  const { retry, signal } = ctx;
  if (retry === false) return ctx.sender.send(batch, { signal });
  const started = ctx.clock.now();
  for (let attempt = 1; ; attempt++) {
    const result = await ctx.sender.send(batch, { signal });
    if (signal.aborted) return result;
    let wait: number;
    if (result.kind === 'retryable') {
      if (retry.retries !== undefined && attempt > retry.retries) return result;
      wait = result.retryAfterMs ?? backoffDelay(attempt, retry, ctx.random);
    } else if (result.kind === 'failed' && isHeldStatus(result.status)) {
      ctx.onHeld?.(batch, result);
      wait = retry.reprobeMs;
    } else {
      return result;
    }
    if (ctx.clock.now() - started + wait > retry.maxAgeMs) return result;
    await sleep(ctx.clock, wait, signal);
    if (signal.aborted) return result;
    ctx.onRetry();
  }
}

/** Whether a batch that ended this way may go to the spool: it could still be taken later. */
function worthKeeping(result: SendResult, aborted: boolean): boolean {
  return aborted || result.kind === 'retryable' || (result.kind === 'failed' && isHeldStatus(result.status));
}

/**
 * The code of a batch given up, by cause: what the user has to do differs for each.
 *
 * @example
 * givenUpCode({ kind: 'failed', status: 401, message: 'bad key' }); // 'ingest_unauthorized'
 */
export function givenUpCode(failure: DeliveryOutcome['failure']): CloudSageErrorCode {
  if (failure?.kind === 'retryable') return 'batch_expired';
  const status = failure?.status;
  if (status === 401 || status === 403) return 'ingest_unauthorized';
  // The backend says "project not found" for a project the key cannot reach, "route not found" (same
  // code) for a path it does not serve: an endpoint with a wrong path prefix is a wrong endpoint.
  if (status === 404) {
    const project = failure?.kind === 'failed' && failure.serverCode && /project/i.test(failure.message);
    return project ? 'project_not_found' : 'endpoint_not_cloudsage';
  }
  if (status === 422) return 'unstorable_value';
  return 'batch_failed';
}

/** `250 ms`, `60 s`, `10 min`: a setting as a person reads it. */
function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/**
 * The notice for a batch the backend refused for a setting (401/403/404): which setting to fix, and
 * that the records are kept meanwhile.
 *
 * @example
 * heldError(batch, { kind: 'failed', status: 401, message: 'The API key is invalid' }, options, false);
 */
export function heldError(
  batch: Batch,
  result: Extract<SendResult, { kind: 'failed' }>,
  options: { endpoint?: string | undefined; retry: RetryOptions | false },
  spooled: boolean,
): CloudSageError {
  const code = givenUpCode(result);
  const fix =
    code === 'ingest_unauthorized'
      ? 'the backend refused the API key: set apiKey to a project key with the ingest scope'
      : code === 'project_not_found'
        ? 'the backend knows no such project for this key: check projectId, or use a key of that project'
        : `${options.endpoint ?? 'the endpoint'} is not a CloudSage backend: set endpoint to its origin, e.g. http://127.0.0.1:3001`;
  const retry = options.retry;
  const kept =
    retry === false
      ? ''
      : `; ${batchRecords(batch)} record(s) are kept and tried again every ${duration(retry.reprobeMs)} for up to ${duration(retry.maxAgeMs)}${spooled ? ', then spooled' : ' (set spoolDir to keep them longer)'}`;
  return new CloudSageError(code, `${fix} (HTTP ${result.status}: ${result.message})${kept}`, {
    ...(result.status === undefined ? {} : { status: result.status }),
    ...(result.serverCode ? { serverCode: result.serverCode } : {}),
    details: { idempotencyKey: batch.idempotencyKey, held: true },
  });
}

/**
 * The error reported when records of a batch are given up, coded by cause ({@link givenUpCode}).
 *
 * @example
 * if (outcome.failed > 0) report(batchFailedError(batch, outcome));
 */
export function batchFailedError(batch: Batch, outcome: DeliveryOutcome, spooled = false): CloudSageError {
  const f = outcome.failure;
  const what = spooled ? 'spooled record(s)' : 'record(s)';
  return new CloudSageError(givenUpCode(f), `gave up ${outcome.failed} ${what}: ${f?.message ?? 'unknown error'}`, {
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
    result = await attemptUntilSettled(batch, ctx);
  } catch (err) {
    result = { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
  const n = batchRecords(batch);
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
  if (worthKeeping(result, ctx.signal.aborted) && ctx.spool?.(batch)) return { sent: 0, failed: 0, spooled: n };
  return { sent: 0, failed: n, failure: result };
}
