/**
 * Which outcomes are worth retrying, and how long to wait (in the manner of OTel's
 * `is-export-retryable.ts`). Pure functions, so the policy is tested without a network.
 */

/**
 * True for statuses a retry can fix: 408, 429 and 5xx. Never 400/401/403 (the same request fails again).
 *
 * @example
 * isRetryableStatus(503); // true
 * isRetryableStatus(401); // false
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Reads `Retry-After` (seconds or an HTTP date) as milliseconds from `now`; `undefined` when absent or bad.
 *
 * @example
 * parseRetryAfter('2', Date.now()); // 2000
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The `retry` option. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 5. */
  retries: number;
  /** Base of the exponential backoff. Default 250 ms. */
  minDelayMs: number;
  /** Cap of one backoff step. Default 30 s. */
  maxDelayMs: number;
  /** Total time a batch may spend retrying (the budget). Default 60 s. */
  maxRetryTimeMs: number;
}

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * a uniform delay in [0, min(cap, base * 2^(attempt-1))).
 *
 * @example
 * backoffDelay(3, { minDelayMs: 100, maxDelayMs: 10_000 }, () => 0.5); // 200
 */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, 'minDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
