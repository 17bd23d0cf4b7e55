/*
 * A tiny Prometheus registry: counters and histograms with labels, rendered in the text
 * exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
 * Written here rather than pulled in because the backend needs a handful of series only.
 */

type Labels = Record<string, string | number>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const pairs = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

function formatNumber(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

abstract class Metric {
  protected readonly series = new Map<string, { values: string[] }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  protected keyOf(labels: Labels | undefined): { key: string; values: string[] } {
    const values = this.labelNames.map((n) => String(labels?.[n] ?? ''));
    return { key: JSON.stringify(values), values };
  }

  abstract render(): string;
}

/** One number per label set, rendered as `type`. */
abstract class SingleValueMetric extends Metric {
  protected readonly values = new Map<string, { values: string[]; value: number }>();
  protected abstract readonly type: 'counter' | 'gauge';

  /** The current value for a label set (tests and readiness use it). */
  get(labels?: Labels): number {
    return this.values.get(this.keyOf(labels).key)?.value ?? 0;
  }

  protected update(labels: Labels | undefined, next: (current: number) => number): void {
    const { key, values } = this.keyOf(labels);
    const entry = this.values.get(key);
    if (entry) entry.value = next(entry.value);
    else this.values.set(key, { values, value: next(0) });
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { values, value } of this.values.values()) {
      lines.push(`${this.name}${labelText(this.labelNames, values)} ${formatNumber(value)}`);
    }
    return lines.join('\n');
  }
}

/** A monotonically increasing count per label set. */
export class Counter extends SingleValueMetric {
  protected readonly type = 'counter';

  /** Adds `by` (default 1); negative amounts are ignored, as counters only go up. */
  inc(labels?: Labels, by = 1): void {
    if (!(by >= 0)) return;
    this.update(labels, (current) => current + by);
  }
}

/** A value per label set that goes up and down, set when known (e.g. read from SQL at scrape time). */
export class Gauge extends SingleValueMetric {
  protected readonly type = 'gauge';

  set(labels: Labels | undefined, value: number): void {
    if (!Number.isFinite(value)) return;
    this.update(labels, () => value);
  }
}

/** Default buckets (seconds) for request and store latencies: 1 ms to 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Observations counted into cumulative buckets per label set, with their sum and count. */
export class Histogram extends Metric {
  private readonly data = new Map<string, { values: string[]; buckets: number[]; sum: number; count: number }>();

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly bounds: readonly number[] = LATENCY_BUCKETS,
  ) {
    super(name, help, labelNames);
  }

  observe(labels: Labels | undefined, value: number): void {
    if (!Number.isFinite(value)) return;
    const { key, values } = this.keyOf(labels);
    let entry = this.data.get(key);
    if (!entry) {
      entry = { values, buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.data.set(key, entry);
    }
    // Non-cumulative counts here; render() accumulates, so observe stays O(buckets) without sorting.
    const index = this.bounds.findIndex((b) => value <= b);
    if (index >= 0) entry.buckets[index] = (entry.buckets[index] ?? 0) + 1;
    entry.sum += value;
    entry.count += 1;
  }

  /** How many observations a label set has (tests use it). */
  count(labels?: Labels): number {
    return this.data.get(this.keyOf(labels).key)?.count ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { values, buckets, sum, count } of this.data.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += buckets[i] ?? 0;
        lines.push(
          `${this.name}_bucket${labelText(this.labelNames, values, ['le', formatNumber(bound)])} ${cumulative}`,
        );
      });
      lines.push(`${this.name}_bucket${labelText(this.labelNames, values, ['le', '+Inf'])} ${count}`);
      lines.push(`${this.name}_sum${labelText(this.labelNames, values)} ${formatNumber(sum)}`);
      lines.push(`${this.name}_count${labelText(this.labelNames, values)} ${count}`);
    }
    return lines.join('\n');
  }
}

/** Every series the backend exposes at `GET /metrics`. */
export interface Metrics {
  httpRequests: Counter;
  httpDuration: Histogram;
  ingestRecords: Counter;
  ingestBytes: Counter;
  ingestRejected: Counter;
  storeLatency: Histogram;
  /** Torn or foreign lines of batch objects left out, by reader (`logs`, `scoring`, `forecast`). */
  batchLinesSkipped: Counter;
  /** Batch objects that could not be read at all (not gzip text), by reader. */
  batchObjectsUnreadable: Counter;
  /** Scoring windows parked (tried `MAX_WINDOW_TRIES` times), all projects; set from SQL when scraped. */
  scoringParkedWindows: Gauge;
  /** Event streams open now in this process. */
  eventStreamsOpen: Gauge;
  /** Event streams refused, by the cap they hit (`key`, `user`, `address`, `server`). */
  eventStreamsRejected: Counter;
  /** Event streams ended, by why (`client`, `max_age`, `slow_reader`, `shutdown`). */
  eventStreamsClosed: Counter;
  /** Logs reads answered, by outcome (`complete`, `partial`, `rate_limited`). */
  logsReads: Counter;
  /** Logs pages that stopped at a budget, by which (`time`, `bytes`, `objects`). */
  logsReadsPartial: Counter;
  /** Uncompressed batch bytes logs reads scanned. */
  logsScannedBytes: Counter;
  /**
   * What the retention job removed, by kind (`batches`, `objects`, `minute_metrics`, `risk_history`,
   * `forecasts`, `forecast_feedback`, `rate_limits`).
   */
  retentionRemoved: Counter;
  /** Ingest requests refused by the daily per-project quota. */
  ingestQuotaRejected: Counter;
  /** The whole registry in Prometheus text format. */
  render(): string;
}

/**
 * Creates the backend's registry. One per app, decorated as `app.metrics`.
 *
 * @example
 * app.metrics.ingestRecords.inc(undefined, accepted);
 * app.metrics.storeLatency.observe({ store: 'bucket', op: 'put' }, seconds);
 */
export function createMetrics(): Metrics {
  const httpRequests = new Counter('http_requests_total', 'HTTP requests answered.', ['method', 'route', 'status']);
  const httpDuration = new Histogram('http_request_duration_seconds', 'Time to answer an HTTP request.', [
    'method',
    'route',
  ]);
  const ingestRecords = new Counter('cloudsage_ingest_records_total', 'Log records accepted by ingest.', []);
  const ingestBytes = new Counter('cloudsage_ingest_bytes_total', 'Uncompressed bytes of accepted ingest bodies.', []);
  const ingestRejected = new Counter('cloudsage_ingest_rejected_total', 'Log records rejected by ingest.', []);
  const storeLatency = new Histogram('cloudsage_store_latency_seconds', 'Latency of SQL and bucket operations.', [
    'store',
    'op',
  ]);
  const batchLinesSkipped = new Counter(
    'cloudsage_batch_lines_skipped_total',
    'Torn or foreign lines of batch objects left out by a reader.',
    ['reader'],
  );
  const batchObjectsUnreadable = new Counter(
    'cloudsage_batch_objects_unreadable_total',
    'Batch objects a reader could not read at all.',
    ['reader'],
  );
  const scoringParkedWindows = new Gauge(
    'cloudsage_scoring_parked_windows',
    'Scoring windows given up on after their tries because their data cannot be read.',
    [],
  );
  const eventStreamsOpen = new Gauge('cloudsage_event_streams_open', 'Event streams open now.', []);
  const eventStreamsRejected = new Counter(
    'cloudsage_event_streams_rejected_total',
    'Event streams refused with 429 too_many_streams, by the cap they hit.',
    ['cap'],
  );
  const eventStreamsClosed = new Counter('cloudsage_event_streams_closed_total', 'Event streams ended, by why.', [
    'reason',
  ]);
  const logsReads = new Counter('cloudsage_logs_reads_total', 'Logs reads (and searches) answered, by outcome.', [
    'outcome',
  ]);
  const logsReadsPartial = new Counter(
    'cloudsage_logs_reads_partial_total',
    'Logs pages that stopped scanning at a budget, by which budget.',
    ['budget'],
  );
  const logsScannedBytes = new Counter(
    'cloudsage_logs_scanned_bytes_total',
    'Uncompressed batch bytes scanned by logs reads.',
    [],
  );
  const retentionRemoved = new Counter(
    'cloudsage_retention_removed_total',
    'Rows and objects the retention job removed, by kind.',
    ['kind'],
  );
  const ingestQuotaRejected = new Counter(
    'cloudsage_ingest_quota_rejected_total',
    'Ingest requests refused by the daily per-project quota.',
    [],
  );
  const series = {
    eventStreamsOpen,
    eventStreamsRejected,
    eventStreamsClosed,
    logsReads,
    logsReadsPartial,
    logsScannedBytes,
    retentionRemoved,
    ingestQuotaRejected,
    httpRequests,
    httpDuration,
    ingestRecords,
    ingestBytes,
    ingestRejected,
    storeLatency,
    batchLinesSkipped,
    batchObjectsUnreadable,
    scoringParkedWindows,
  };
  const all: Metric[] = Object.values(series);
  return { ...series, render: () => `${all.map((m) => m.render()).join('\n')}\n` };
}

/**
 * A hook for the batch readers' `onSkipped` that counts what a scan left out under `reader`.
 *
 * @example
 * await queryLogs(db, bucket, projectId, query, countSkippedInput(app.metrics, 'logs'));
 */
export function countSkippedInput(
  metrics: Metrics,
  reader: 'logs' | 'scoring' | 'forecast',
): (skipped: { lines: number; unreadableObjects: number }) => void {
  return (skipped) => {
    metrics.batchLinesSkipped.inc({ reader }, skipped.lines);
    metrics.batchObjectsUnreadable.inc({ reader }, skipped.unreadableObjects);
  };
}
