import type { Clock, TimerHandle } from './clock.js';
import type { CloudSageError } from './errors.js';

/** After the first warning of a code, at most one summary line per this many milliseconds. */
export const SUMMARY_INTERVAL_MS = 60_000;

/**
 * Where a warning line goes: `process.emitWarning` in the app's thread, a synchronous write to stderr in
 * a worker thread (pino's: warnings emitted there are lost at exit), `console.warn` on Workers, or the
 * `stderr` option. `code` is the warning code (`CLOUDSAGE_BUFFER_OVERFLOW`).
 */
export type WarningSink = (message: string, code: string) => void;

interface CodeState {
  /** Records touched since the last line. */
  pending: number;
  /** The latest message, for the summary. */
  message: string;
  lastLine: number;
  timer: TimerHandle | undefined;
}

/**
 * The one path by which the client says that records are lost or held, whatever the cause (overflow,
 * the age limit, a refused key, a missing project, an endpoint that is not CloudSage, a value the server
 * cannot store): `onError` gets the {@link CloudSageError}; a coded warning line is written the first
 * time a code occurs, then at most one summary a minute with the count since, so a backend that refuses
 * every batch is loud once and never floods. The counts live in `stats()`.
 *
 * @example
 * const notices = new Notices(systemClock, (m, code) => process.emitWarning(m, { code }), onError);
 * notices.notify(new CloudSageError('buffer_overflow', 'dropped 3 log record(s): the buffer is full'), 3);
 */
export class Notices {
  private readonly codes = new Map<string, CodeState>();

  constructor(
    private readonly clock: Clock,
    private readonly sink: WarningSink,
    private readonly onError: (error: CloudSageError) => void,
  ) {}

  /**
   * Reports `error`, which touched `count` records. `hook: false` skips `onError` (a repeat the hook
   * already heard about); the warning line follows the once-then-summary rule either way.
   */
  notify(error: CloudSageError, count: number, hook = true): void {
    if (hook) this.onError(error);
    const code = `CLOUDSAGE_${error.code.toUpperCase()}`;
    const now = this.clock.now();
    const state = this.codes.get(code);
    if (!state) {
      this.codes.set(code, { pending: 0, message: error.message, lastLine: now, timer: undefined });
      this.write(error.message, code);
      return;
    }
    state.pending += count;
    state.message = error.message;
    if (now - state.lastLine >= SUMMARY_INTERVAL_MS) this.summarize(code, state);
    else if (state.timer === undefined) {
      // Without another notice the count would wait for one: say it when the minute is up.
      state.timer = this.clock.setTimeout(
        () => {
          state.timer = undefined;
          this.summarize(code, state);
        },
        state.lastLine + SUMMARY_INTERVAL_MS - now,
      );
    }
  }

  /** Writes every pending summary now (at shutdown: a summary timer would not fire after it). */
  flush(): void {
    for (const [code, state] of this.codes) this.summarize(code, state);
  }

  private summarize(code: string, state: CodeState): void {
    if (state.timer !== undefined) this.clock.clearTimeout(state.timer);
    state.timer = undefined;
    if (state.pending === 0) return;
    const n = state.pending;
    state.pending = 0;
    state.lastLine = this.clock.now();
    this.write(`${n} more record(s) in the last minute; latest: ${state.message}`, code);
  }

  private write(message: string, code: string): void {
    try {
      this.sink(message, code);
    } catch {
      // A broken stderr must not reach the host.
    }
  }
}
