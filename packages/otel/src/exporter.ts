import { CloudSage, CloudSageError, type CloudSageErrorCode, type FlushResult } from '@cloudsage/node';
import type { ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { type CloudSageOtelOptions, resolveOtelOptions } from './options.js';
import { toRecord } from './to-record.js';

/**
 * An OpenTelemetry `LogRecordExporter` that ships SDK log records to CloudSage through a
 * `@cloudsage/node` client (batching, gzip, retries with an idempotency key, bounded buffer, redaction).
 * `export` answers `SUCCESS` once the records are buffered (or, with `waitForDelivery`, delivered) and
 * `FAILED` after `shutdown()` or when the buffer had to drop; `forceFlush()` and `shutdown()` never reject.
 *
 * @example
 * import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
 * import { CloudSageLogRecordExporter } from '@cloudsage/otel';
 * const exporter = new CloudSageLogRecordExporter({ endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY! });
 * const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
 */
export class CloudSageLogRecordExporter implements LogRecordExporter {
  /** The underlying client (its `stats()`, `flush()`, read API). */
  readonly client: CloudSage;
  private readonly waitForDelivery: boolean;
  private readonly includeResource: boolean;
  private readonly shutdownTimeoutMs: number;
  private shutdownPromise: Promise<FlushResult> | undefined;

  constructor(options: CloudSageOtelOptions) {
    const resolved = resolveOtelOptions(options);
    this.waitForDelivery = resolved.waitForDelivery;
    this.includeResource = resolved.includeResource;
    this.shutdownTimeoutMs = resolved.shutdownTimeoutMs;
    this.client = new CloudSage(resolved.client);
  }

  /**
   * Hands the records to the client; see the class comment for what the result means. Whenever the
   * client's buffer is full the export waits for room (`whenRoom`, at most 5 s while the backend settles
   * nothing) before it goes on, so the SDK's processor holds the records instead of the buffer dropping.
   */
  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (this.shutdownPromise) {
      resultCallback(failed('closed', 'the CloudSage exporter is shut down'));
      return;
    }
    this.handFrom(logs, 0, this.lost(), resultCallback);
  }

  private handFrom(
    logs: ReadableLogRecord[],
    from: number,
    lostBefore: number,
    resultCallback: (result: ExportResult) => void,
  ): void {
    try {
      const options = { includeResource: this.includeResource };
      for (let i = from; i < logs.length; i++) {
        if (!this.client.hasRoom()) {
          void this.client.whenRoom().then(() => {
            if (this.shutdownPromise) resultCallback(failed('closed', 'the CloudSage exporter shut down first'));
            else this.handFrom(logs, i, lostBefore, resultCallback);
          });
          return;
        }
        this.client.log(toRecord(logs[i]!, options));
      }
    } catch (err) {
      // toRecord reads SDK objects; the client itself never throws.
      resultCallback({ code: FAILED_CODE, error: err instanceof Error ? err : new Error(String(err)) });
      return;
    }
    const dropped = this.lost() - lostBefore;
    if (!this.waitForDelivery) {
      resultCallback(
        dropped > 0 ? failed('buffer_overflow', `${dropped} record(s) dropped: the buffer is full`) : SUCCESS,
      );
      return;
    }
    void this.client.flush().then((r) => {
      const lost = dropped + r.dropped + r.pending;
      resultCallback(lost > 0 ? failed('batch_failed', `${lost} record(s) not delivered`) : SUCCESS);
    });
  }

  /**
   * Sends everything exported so far; resolves by the flush deadline. Never rejects.
   *
   * @example
   * await exporter.forceFlush();
   */
  async forceFlush(): Promise<void> {
    await this.client.flush();
  }

  /**
   * Flushes within `shutdownTimeoutMs` and stops; later exports fail. Runs once.
   *
   * @example
   * await provider.shutdown(); // calls exporter.shutdown()
   */
  async shutdown(): Promise<void> {
    this.shutdownPromise ??= this.client.shutdown({ timeoutMs: this.shutdownTimeoutMs });
    await this.shutdownPromise;
  }

  /** Records the client could not keep (a full buffer, or too large to cut); `beforeSend` drops are choices. */
  private lost(): number {
    const { dropped } = this.client.stats();
    return dropped.overflow + dropped.oversize;
  }
}

// ExportResultCode's values (SUCCESS 0, FAILED 1), written out so that @opentelemetry/core is needed for
// its types only: the SDK brings its own copy, and a second runtime copy would be one more peer to install.
const SUCCESS_CODE = 0 as ExportResultCode.SUCCESS;
const FAILED_CODE = 1 as ExportResultCode.FAILED;
const SUCCESS: ExportResult = Object.freeze({ code: SUCCESS_CODE });

function failed(code: CloudSageErrorCode, message: string): ExportResult {
  return { code: FAILED_CODE, error: new CloudSageError(code, message) };
}
