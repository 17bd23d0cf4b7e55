import type { DropReason } from '@cloudsage/schema';
import type { Clock } from './clock.js';
import { CloudSageError, type CloudSageErrorCode } from './errors.js';

/** One stderr line per this many milliseconds at most. */
export const STDERR_INTERVAL_MS = 60_000;

const CODES: Record<DropReason, CloudSageErrorCode> = {
  overflow: 'buffer_overflow',
  oversize: 'record_oversize',
  before_send: 'before_send_failed',
};

/**
 * Tells the user about drops without depending on the pipeline that is dropping: `onError` once per
 * reason (again after {@link rearm}), and a rate-limited line on stderr written directly (not console,
 * which the app may have redirected into this very client).
 *
 * @example
 * const warn = new DropWarning(systemClock, process.stderr, onError);
 * warn.dropped('overflow', 1, 'buffer full');
 */
export class DropWarning {
  private readonly warned = new Set<DropReason>();
  private lastStderr = Number.NEGATIVE_INFINITY;
  private unreported = 0;

  constructor(
    private readonly clock: Clock,
    private readonly stderr: { write(line: string): unknown },
    private readonly report: (error: CloudSageError) => void,
  ) {}

  /** Records that `count` records were dropped for `reason`. */
  dropped(reason: DropReason, count: number, message: string): void {
    this.unreported += count;
    if (!this.warned.has(reason)) {
      this.warned.add(reason);
      this.report(new CloudSageError(CODES[reason], message, { details: { reason } }));
    }
    const now = this.clock.now();
    if (now - this.lastStderr >= STDERR_INTERVAL_MS) {
      this.lastStderr = now;
      const n = this.unreported;
      this.unreported = 0;
      try {
        this.stderr.write(`[cloudsage] dropped ${n} log record(s): ${message} (at most one such line a minute)\n`);
      } catch {
        // stderr itself failing must not reach the host.
      }
    }
  }

  /** Lets `onError` fire again for the reasons seen so far (called once the buffer has room again). */
  rearm(): void {
    this.warned.clear();
  }
}
