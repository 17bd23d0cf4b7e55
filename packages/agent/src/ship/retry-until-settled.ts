import { backoffDelay, type Sender } from '@cloudsage/node';
import { abortableSleep } from './abortable-sleep.js';

/** Backoff of {@link retryUntilSettled}. */
export interface UntilSettledOptions {
  minDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
}

/**
 * A sender that tries a batch again, with full-jitter backoff or as `Retry-After` says, for as long as the
 * answer is retryable (the backend down, 429, 5xx): it ends only when the batch is taken, refused for
 * good, or `signal` aborts. For files, whose batches must not be given up while the file still holds
 * them (a given-up batch would let the checkpoint move past lines the backend never got); the client's
 * own retry budget is then unused.
 *
 * @example
 * const sender = retryUntilSettled(gate.sender, { minDelayMs: 250, maxDelayMs: 30_000 });
 */
export function retryUntilSettled(inner: Sender, options: UntilSettledOptions): Sender {
  const random = options.random ?? Math.random;
  return {
    async send(batch, { signal }) {
      for (let attempt = 1; ; attempt++) {
        const result = await inner.send(batch, { signal });
        if (result.kind !== 'retryable' || signal.aborted) return result;
        await abortableSleep(result.retryAfterMs ?? backoffDelay(attempt, options, random), signal);
        if (signal.aborted) return result;
      }
    },
    close: async () => {
      await inner.close?.();
    },
  };
}
