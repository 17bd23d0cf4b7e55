/**
 * Which outcomes are worth retrying, and how long to wait (in the manner of OTel's
 * `is-export-retryable.ts`). Pure functions, so the policy is tested without a network.
 */

/**
 * True for statuses a retry can fix: 408, 429 and 5xx. Never 400/401/403/404 (the same request fails
 * again until someone changes a setting: see {@link isHeldStatus}).
 *
 * @example
 * isRetryableStatus(503); // true
 * isRetryableStatus(401); // false
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * True for the answers that name a setting to fix rather than a bad batch: 401/403 (the API key) and
 * 404 (the project, or an endpoint that is not CloudSage). The batch is kept and tried again every
 * `retry.reprobeMs`, so the records arrive once the setting is fixed (within `retry.maxAgeMs`, or
 * later from the spool).
 *
 * @example
 * isHeldStatus(401); // true
 * isHeldStatus(400); // false
 */
export function isHeldStatus(status: number | undefined): boolean {
  return status === 401 || status === 403 || status === 404;
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

/** The `retry` option, after defaults. */
export interface RetryOptions {
  /**
   * Retries after the first attempt. Unset by default: the age limit governs.
   * @deprecated Bound retrying by `maxAgeMs`; a count runs out in seconds during a restart.
   */
  retries?: number | undefined;
  /** Base of the exponential backoff. Default 250 ms. */
  minDelayMs: number;
  /** Cap of one backoff step. Default 30 s. */
  maxDelayMs: number;
  /**
   * How long a batch is retried before its records count as lost (or go to the spool). Default 10 min:
   * a backend restart or a short outage is ridden out; the buffer bounds bound the memory meanwhile.
   */
  maxAgeMs: number;
  /** Pause between tries of a batch refused for its key or project (401/403/404). Default 60 s. */
  reprobeMs: number;
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
