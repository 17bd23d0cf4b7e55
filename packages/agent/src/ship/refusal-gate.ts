import {
  type Batch,
  type Clock,
  givenUpCode,
  isHeldStatus,
  type Sender,
  type SendResult,
  systemClock,
} from '@cloudsage/node';
import type { AgentErrorCode } from '../errors.js';

/** The backend refused the batch for a setting of the agent (the key, the project, the endpoint). */
export interface Refusal {
  code: Extract<AgentErrorCode, 'ingest_unauthorized' | 'project_not_found' | 'endpoint_not_cloudsage'>;
  status: number;
  /** The backend's own message, e.g. "The API key is invalid or revoked." */
  message: string;
}

/**
 * Which refusals name a setting to fix rather than a bad batch (the client's rule: 401/403 the key, 404
 * the project or an endpoint that is not CloudSage), and which.
 *
 * @example
 * refusalOf({ kind: 'failed', status: 401, message: 'The API key is invalid or revoked.' })?.code; // 'ingest_unauthorized'
 */
export function refusalOf(result: SendResult): Refusal | undefined {
  if (result.kind !== 'failed' || result.status === undefined || !isHeldStatus(result.status)) return undefined;
  const code = givenUpCode(result) as Refusal['code'];
  return { code, status: result.status, message: result.message };
}

/** What the gate does with a batch while the backend refuses. */
export type WhileRefused =
  /** Keeps the batch waiting in `send` (files: the file is the buffer, and the checkpoint waits too). */
  | 'hold'
  /** Answers at once that it cannot be sent now, with a wait past any retry budget, so the client
   *  writes it to its spool (standard input: the buffer does not fill up while the key is wrong). */
  | 'spool';

/** Gate settings. */
export interface RefusalGateOptions {
  whileRefused: WhileRefused;
  /** At most one batch is sent to the backend this often while it refuses (a probe). */
  reprobeMs: number;
  /** The backend started refusing. */
  onRefused(refusal: Refusal): void;
  /** A probe was taken: the backend accepts again. */
  onAccepted(refusal: Refusal): void;
  clock?: Clock;
}

// A Retry-After beyond every retry budget the client allows (24 h): the client spools the batch at once.
const SPOOL_NOW_MS = 24 * 3_600_000 + 1;

/**
 * Sits in front of the ingest sender so that a batch refused for the key or the project (401/403/404)
 * is never given up: the client never sees those answers, so it neither drops the batch nor counts it
 * failed, and the checkpoint never moves past it. The first refusal is reported (`onRefused`, which
 * names the setting to fix); while refused, one batch a `reprobeMs` goes to the backend as a probe and
 * the others are held or handed to the spool ({@link WhileRefused}); once a probe is taken, everything
 * flows again (`onAccepted`). A shutdown's abort releases held batches as not sent.
 *
 * @example
 * const gate = new RefusalGate(sender, { whileRefused: 'hold', reprobeMs: 60_000, onRefused, onAccepted });
 * new CloudSage({ sender: gate.sender });
 */
export class RefusalGate {
  readonly sender: Sender;
  /** The refusal in force, if the backend refuses now. */
  refusal: Refusal | undefined;
  private lastProbeAt = 0;
  private readonly waiters: Array<(go: boolean) => void> = [];
  private timer: unknown;
  private readonly clock: Clock;

  constructor(
    private readonly inner: Sender,
    private readonly options: RefusalGateOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.sender = {
      send: (batch, o) => this.send(batch, o.signal),
      close: async () => {
        this.close();
        await this.inner.close?.();
      },
    };
  }

  /** Stops probing; batches still held are released when their senders abort. */
  close(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async send(batch: Batch, signal: AbortSignal): Promise<SendResult> {
    // Woken from the wait: the gate opened, or this batch was picked as the probe.
    let woken = false;
    for (;;) {
      if (this.refusal && !woken && !this.takeProbe()) {
        if (this.options.whileRefused === 'spool') {
          return {
            kind: 'retryable',
            retryAfterMs: SPOOL_NOW_MS,
            message: `kept for the spool while the backend refuses (${this.refusal.message})`,
          };
        }
        if (!(await this.wait(signal))) return { kind: 'failed', message: 'stopped while the backend refuses' };
        woken = true;
        continue;
      }
      woken = false;
      const result = await this.inner.send(batch, { signal });
      if (signal.aborted) return result;
      const refusal = refusalOf(result);
      if (refusal) {
        this.refuse(refusal);
        continue;
      }
      if (result.kind === 'sent' && this.refusal) this.accept();
      return result;
    }
  }

  /** While refused: whether this send may be the probe (one a `reprobeMs`). */
  private takeProbe(): boolean {
    const now = this.clock.now();
    if (now - this.lastProbeAt < this.options.reprobeMs) return false;
    this.lastProbeAt = now;
    return true;
  }

  private refuse(refusal: Refusal): void {
    const first = this.refusal === undefined;
    this.refusal = refusal;
    if (first) {
      this.lastProbeAt = this.clock.now();
      this.options.onRefused(refusal);
    }
    this.arm();
  }

  private accept(): void {
    const was = this.refusal!;
    this.refusal = undefined;
    this.close();
    for (const wake of this.waiters.splice(0)) wake(true);
    this.options.onAccepted(was);
  }

  private wait(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (go: boolean) => {
        signal.removeEventListener('abort', onAbort);
        resolve(go);
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(wake);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(wake);
      this.arm();
    });
  }

  /** When a probe is due, wakes the longest-held batch to be it. */
  private arm(): void {
    if (this.timer !== undefined || !this.refusal || this.waiters.length === 0) return;
    const due = Math.max(0, this.lastProbeAt + this.options.reprobeMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      const probe = this.waiters.shift();
      if (probe) {
        this.lastProbeAt = this.clock.now();
        probe(true);
      }
      this.arm();
    }, due);
  }
}
