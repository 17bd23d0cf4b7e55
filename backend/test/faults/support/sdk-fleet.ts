import { type ClientStats, CloudSage, type FetchLike } from '@cloudsage/node';

/** What the clients saw on the wire, counted by a recording `fetch` (the SDK's pluggable HTTP). */
export class WireLog {
  readonly statuses = new Map<number, number>();
  networkErrors = 0;
  /** 503 answers without a Retry-After header. */
  missingRetryAfter = 0;
  readonly #acks: number[] = [];

  count(status: number): number {
    return this.statuses.get(status) ?? 0;
  }

  /** Milliseconds from `since` to the first 202 answered after it, or null. */
  recoveryAfter(since: number): number | null {
    const first = this.#acks.find((t) => t >= since);
    return first === undefined ? null : first - since;
  }

  /** A `fetch` that records each answer's status (and each failure) before handing it on. */
  readonly fetch: FetchLike = async (input, init) => {
    let res: Response;
    try {
      res = await fetch(input, init);
    } catch (err) {
      this.networkErrors++;
      throw err;
    }
    this.statuses.set(res.status, this.count(res.status) + 1);
    if (res.status === 202) this.#acks.push(Date.now());
    if (res.status === 503 && !res.headers.get('retry-after')) this.missingRetryAfter++;
    return res;
  };
}

/** The clients' counters, summed. */
export interface FleetTotals {
  /** Records acknowledged (202). */
  sent: number;
  dropped: number;
  retried: number;
  /** Records given up after the retry budget. */
  failed: number;
  /** Records still buffered or in flight. */
  buffered: number;
}

/** Options of {@link SdkFleet}. */
export interface FleetOptions {
  endpoint: string;
  apiKey: string;
  clients: number;
  /** Records each client logs per tick (every 25 ms). */
  perTick?: number;
}

/**
 * Several `@cloudsage/node` clients logging steadily, each record carrying a unique id as its
 * `msg`, with a retry budget long enough to outlast every fault the suite injects.
 */
export class SdkFleet {
  readonly wire = new WireLog();
  readonly clients: CloudSage[];
  /** Every id logged, in order. */
  readonly logged: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #seq = 0;

  constructor(private readonly options: FleetOptions) {
    this.clients = Array.from(
      { length: options.clients },
      () =>
        new CloudSage({
          endpoint: options.endpoint,
          apiKey: options.apiKey,
          batch: { maxRecords: 100, maxWaitMs: 100 },
          retry: { retries: 100, minDelayMs: 50, maxDelayMs: 1_000, maxRetryTimeMs: 600_000 },
          requestTimeoutMs: 20_000,
          exitHooks: false,
          fetch: this.wire.fetch,
        }),
    );
  }

  /** Logs `count` records on each client now. */
  logNow(count = this.options.perTick ?? 5): void {
    this.clients.forEach((client, c) => {
      for (let i = 0; i < count; i++) {
        const id = `c${c}-${this.#seq++}`;
        this.logged.push(id);
        client.log({ level: i % 7 === 0 ? 'error' : 'info', msg: id, responseTime: i });
      }
    });
  }

  /** Starts logging every 25 ms until `stopLogging`. */
  startLogging(): void {
    this.#timer ??= setInterval(() => this.logNow(), 25);
  }

  stopLogging(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Flushes every client (waiting out retries) and sums their counters. */
  async drain(timeoutMs: number): Promise<FleetTotals> {
    this.stopLogging();
    await Promise.all(this.clients.map((c) => c.flush({ timeoutMs })));
    const all = this.clients.map((c) => c.stats());
    const sum = (f: (s: ClientStats) => number) => all.reduce((n, s) => n + f(s), 0);
    return {
      sent: sum((s) => s.sent),
      dropped: sum((s) => s.dropped.overflow + s.dropped.oversize + s.dropped.before_send),
      retried: sum((s) => s.retried),
      failed: sum((s) => s.failed),
      buffered: sum((s) => s.buffered),
    };
  }

  async close(): Promise<void> {
    this.stopLogging();
    await Promise.all(this.clients.map((c) => c.shutdown({ timeoutMs: 0 })));
  }
}
