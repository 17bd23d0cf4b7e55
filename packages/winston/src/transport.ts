import { CloudSage, type FlushOptions, type FlushResult } from '@cloudsage/node';
import TransportStream from 'winston-transport';
import { formattedLine } from './formatted-line.js';
import { type CloudSageWinstonOptions, resolveWinstonOptions } from './options.js';
import { toRecord } from './to-record.js';

type Info = Record<string | symbol, unknown>;

/**
 * The winston transport: hands each record to a `@cloudsage/node` client, which batches and ships it.
 * Honours `level`, `format`, `silent`, `handleExceptions` and `handleRejections`; emits `logged`.
 * `logger.end()` resolves its `finish` only after this transport's final flush; `close()` (called by
 * `logger.close()` / `logger.remove()`) flushes and stops. Logging never throws.
 *
 * @example
 * import winston from 'winston';
 * import { CloudSageTransport } from '@cloudsage/winston';
 * const logger = winston.createLogger({
 *   transports: [new CloudSageTransport({ endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY! })],
 * });
 * logger.info('order placed', { orderId: 42 });
 */
export class CloudSageTransport extends TransportStream {
  /** The underlying client (its `stats()`, `flush()`, read API). */
  readonly client: CloudSage;
  private readonly shutdownTimeoutMs: number;
  private readonly exceptionFlushTimeoutMs: number;
  /** Whether `log()` may hand winston's rendered JSON line over as it is (see {@link formattedLine}). */
  private readonly rawLines: boolean;
  private readonly service: string | undefined;
  private readonly now: () => number;
  private logged: Info[] = [];
  private loggedScheduled = false;
  /** Set by winston's exception and rejection handlers before they log; they then wait for 'finish'. */
  declare _ending?: boolean;

  constructor(options: CloudSageWinstonOptions) {
    const resolved = resolveWinstonOptions(options);
    super(resolved.stream);
    this.shutdownTimeoutMs = resolved.shutdownTimeoutMs;
    this.exceptionFlushTimeoutMs = resolved.exceptionFlushTimeoutMs;
    this.client = new CloudSage(resolved.client);
    const c = resolved.client;
    // Path redaction and beforeSend work on the record object, which the client would parse back out of
    // the line: those records take toRecord's way instead.
    const paths = c.redact === false ? 0 : (c.redact?.paths?.length ?? 0);
    this.rawLines = !c.beforeSend && paths === 0;
    this.service = c.service;
    const clock = c.clock;
    this.now = clock ? () => clock.now() : Date.now;
  }

  /**
   * Called by winston-transport for each record that passed the level and format. When the client's
   * buffer is full the record waits for room (`whenRoom`, at most 5 s while the backend settles nothing)
   * before it is handed on, and winston holds the records behind it: a burst is delayed, not dropped.
   */
  override log(info: Info, callback: () => void): void {
    if (this.client.hasRoom()) {
      this.hand(info, callback);
      return;
    }
    // A record without a timestamp keeps the time it was logged at, not the time room came.
    const at = this.now();
    void this.client.whenRoom().then(() => this.hand(info, callback, at));
  }

  private hand(info: Info, callback: () => void, at?: number): void {
    try {
      // Most records were rendered by winston's json() already: ship that line rather than serialize again.
      const line = this.rawLines
        ? formattedLine(info, new Date(at ?? this.now()).toISOString(), this.service)
        : undefined;
      if (line !== undefined) this.client.writeLine(line);
      else if (at === undefined) this.client.log(toRecord(info));
      else this.client.log({ time: new Date(at).toISOString(), ...toRecord(info) });
      if (info.exception === true || info.rejection === true) this.afterFatal();
      this.queueLogged(info);
    } finally {
      callback();
    }
  }

  /**
   * Sends what is buffered; resolves by the deadline with `{ sent, dropped, pending }`. Never rejects.
   *
   * @example
   * await transport.flush({ timeoutMs: 2000 });
   */
  flush(options?: FlushOptions): Promise<FlushResult> {
    return this.client.flush(options);
  }

  /**
   * Flushes and stops the client; winston calls it when the transport is removed or the logger closed.
   * Runs once; later calls get the same promise.
   *
   * @example
   * await transport.close();
   */
  override close(): Promise<FlushResult> {
    return this.client.shutdown({ timeoutMs: this.shutdownTimeoutMs });
  }

  /** `end()` (from `logger.end()`): 'finish' waits for the final flush. */
  override _final(callback: (error?: Error | null) => void): void {
    void this.close().then(() => callback());
  }

  /**
   * winston's exception handler exits the process once every handling transport emitted 'finish' (or
   * after 3 s): flush first, then say so.
   */
  private afterFatal(): void {
    void this.client.flush({ timeoutMs: this.exceptionFlushTimeoutMs }).then(() => {
      if (this._ending) this.emit('finish');
    });
  }

  /**
   * One setImmediate per burst rather than per record: winston transports emit 'logged' asynchronously.
   * With no listener nothing is queued, so a burst does not keep every info object alive until then.
   */
  private queueLogged(info: Info): void {
    if (this.listenerCount('logged') === 0) return;
    this.logged.push(info);
    if (this.loggedScheduled) return;
    this.loggedScheduled = true;
    setImmediate(() => {
      const batch = this.logged;
      this.logged = [];
      this.loggedScheduled = false;
      for (const i of batch) this.emit('logged', i);
    });
  }
}
