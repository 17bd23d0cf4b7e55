import { type Feedback, type Forecast, isLevel, type Level, type Project, type RiskHistory } from '@cloudsage/schema';
import { type Clock, systemClock } from './clock.js';
import { CloudSageError } from './errors.js';
import type { FlushResult } from './flush.js';
import type { HttpClient } from './http.js';
import { createFetchHttp } from './http-fetch.js';
import { type RunTarget, writeRuns } from './line-runs.js';
import { Notices } from './notices.js';
import { type CloudSageOptions, type LogInput, type ResolvedOptions, resolveOptions } from './options.js';
import { ReadApi, type RiskHistoryOptions, type SendFeedbackInput } from './read-api.js';
import { createRedactor, type Redactor } from './redact.js';
import type { Runtime } from './runtime.js';
import { createIngestSender } from './send.js';
import { levelRank, lineLevelRank } from './serialize.js';
import { type ClientStats, Shipper } from './shipper.js';
import { oversizeBytes, truncateLine } from './truncate.js';
import { serializeWithin } from './truncate-record.js';

// How long `whenRoom` waits for a backend that settles no batch before it lets records in anyway.
const DEFAULT_STALL_MS = 5000;

/** `flush()` / `shutdown()` options. */
export interface FlushOptions {
  /** Deadline; the call resolves by then with what is still `pending`. Default `flushTimeoutMs` (10 s). */
  timeoutMs?: number;
}

// One of the six as given (exact case), else info: the level added to a record that lacks one. A level
// the record has is shipped as written (the backend maps it), so nothing the app wrote is lost.
function levelName(level: unknown): Level {
  return isLevel(level) ? level : 'info';
}

/**
 * The client on any runtime: ships logs in gzip NDJSON batches without slowing or crashing the host,
 * and reads forecasts and risk history. Logging calls are synchronous and never throw. Each entry
 * point exports it as `CloudSage` with its runtime (Node's, or the web one for Workers, Edge and Deno).
 *
 * @example
 * const client = new CloudSage({ endpoint: 'http://127.0.0.1:3001', apiKey: process.env.CLOUDSAGE_KEY! });
 * client.info('checkout done', { orderId: 42, ms: 183 });
 * const forecast = await client.getForecast();
 * await client.shutdown();
 */
export class CloudSageCore {
  private readonly options: ResolvedOptions;
  private readonly clock: Clock;
  private readonly redactor: Redactor;
  private readonly shipper: Shipper;
  private readonly notices: Notices;
  private readonly readApi: ReadApi;
  private readonly http: HttpClient | undefined;
  private readonly closing = new AbortController();
  private readonly rawFastPath: boolean;
  /** `{"service":"<name>"` for lines taken unparsed, when the `service` option is set. */
  private readonly servicePrefix: string | undefined;
  private readonly runTarget: RunTarget;
  private readonly unregisterExit: (() => void) | undefined;
  private readonly removeHardExit: (() => void) | undefined;
  private shutdownPromise: Promise<FlushResult> | undefined;

  constructor(options: CloudSageOptions, runtime: Runtime) {
    this.options = resolveOptions(options);
    const o = this.options;
    if (o.spoolDir && !runtime.openSpool) {
      throw new CloudSageError('invalid_options', 'spoolDir needs a file system: this runtime has none');
    }
    this.clock = o.clock ?? systemClock;
    const stderr = o.stderr;
    this.notices = new Notices(
      this.clock,
      stderr ? (message, code) => stderr.write(`[${code}] CloudSageWarning: ${message}\n`) : runtime.warn,
      (error) => {
        try {
          o.onError?.(error);
        } catch {
          // A throwing onError must not reach the host.
        }
      },
    );
    this.redactor = createRedactor(o.redact);
    this.rawFastPath = !this.redactor.hasPaths && !o.beforeSend;
    this.servicePrefix = o.service === undefined ? undefined : `{"service":${JSON.stringify(o.service)}`;
    if (o.endpoint)
      this.http = o.fetch ? createFetchHttp(o.endpoint, o.fetch) : runtime.http(o.endpoint, o.concurrency + 2);
    const sender =
      o.sender ??
      o.transport ??
      createIngestSender({
        http: this.http!,
        apiKey: o.apiKey!,
        projectId: o.projectId,
        requestTimeoutMs: o.requestTimeoutMs,
        now: () => this.clock.now(),
      });
    this.shipper = new Shipper({
      options: o,
      sender,
      clock: this.clock,
      random: o.random ?? Math.random,
      newId: o.idGenerator ?? (() => crypto.randomUUID()),
      notices: this.notices,
      runtime,
    });
    this.readApi = new ReadApi({
      http: this.http,
      apiKey: o.apiKey,
      projectId: o.projectId,
      requestTimeoutMs: o.requestTimeoutMs,
      signal: this.closing.signal,
    });
    this.runTarget = {
      // Without the fast path every line is parsed, so none goes in a run; a line that may be over
      // `maxRecordBytes` (3 bytes a character at most) goes alone, to be cut.
      maxRunLineChars: this.rawFastPath ? Math.floor(o.maxRecordBytes / 3) - (this.servicePrefix?.length ?? 0) : -1,
      byLevel: o.dropPolicy === 'oldest-low-first',
      room: () => this.shipper.roomLeft(),
      hasRoom: (chars) => this.shipper.hasRoom(chars),
      run: (run, records, high) => this.acceptRun(run, records, high),
      line: (line) => this.writeLine(line),
    };
    if (o.spoolDir) {
      // A hard exit (process.exit, the end of the event loop mid-retry) leaves no time for async
      // work: what is still unsent goes to the spool synchronously.
      this.removeHardExit = runtime.onHardExit?.(() => this.shipper.spill());
    }
    if (o.exitHooks) {
      const timeoutMs = o.exitHooks.timeoutMs;
      this.unregisterExit = runtime.registerExitHooks?.({
        flushForExit: () =>
          this.shipper.flush(timeoutMs).then((result) => {
            // The deadline passed with records unsent: a signal exit would lose them, so spool them.
            if (result.pending > 0) this.shipper.spill();
            return result;
          }),
        hasQueued: () => this.shipper.buffer.size > 0,
      });
    }
  }

  /**
   * Logs one record. `time` (now) and `level` (`info`) are added when missing. Synchronous; never throws.
   *
   * @example
   * client.log({ level: 'warn', msg: 'slow query', ms: 1200 });
   */
  log(record: LogInput): void {
    try {
      if (this.shutdownPromise) return;
      let rec: LogInput = record !== null && typeof record === 'object' ? record : { msg: String(record) };
      const o = this.options;
      if (this.redactor.hasPaths) rec = this.redactor.redactPaths(rec);
      // Formatting the clock costs as much as serializing a small record, so it runs only when needed.
      const now = () => new Date(this.clock.now()).toISOString();
      const level = levelName(rec.level);
      if (o.beforeSend) {
        const time = now();
        let out: LogInput | null | undefined;
        let copy: LogInput;
        try {
          copy = { time, level, ...rec };
        } catch {
          // A throwing getter: the record cannot be read, so it is sent as a marker, like serializeRecord does.
          copy = { time, level, msg: '[unserializable record]', 'cloudsage.unserializable': true };
        }
        try {
          out = o.beforeSend(copy);
        } catch (err) {
          this.shipper.drop(
            'before_send',
            1,
            `beforeSend threw (${(err as Error)?.message ?? String(err)}); record dropped`,
          );
          return;
        }
        if (out === null || out === undefined || typeof out !== 'object') {
          this.shipper.drop('before_send', 1, 'beforeSend dropped a record');
          return;
        }
        rec = out;
      }
      if (o.service !== undefined && !('service' in rec)) rec = { service: o.service, ...rec };
      this.accept(serializeWithin(rec, now, level, o.maxRecordBytes, this.redactor), levelRank(rec.level), true);
    } catch (err) {
      this.report(new CloudSageError('internal_error', 'log() failed; the record was not buffered', { cause: err }));
    }
  }

  /**
   * Buffers one already-serialized NDJSON line (the pino transport's path). Without `redact.paths` and
   * `beforeSend` the line is not parsed: only the redaction patterns run, by string replacement.
   *
   * @example
   * client.writeLine('{"level":30,"time":1735689600000,"msg":"hello"}');
   */
  writeLine(line: string): void {
    try {
      if (this.shutdownPromise || typeof line !== 'string') return;
      let text = line.endsWith('\n') ? line.slice(0, -1) : line;
      if (text.includes('\n')) {
        for (const part of text.split('\n')) if (part.trim() !== '') this.writeLine(part);
        return;
      }
      if (text.trim() === '') return;
      if (!this.rawFastPath) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        this.log(
          parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
            ? (parsed as LogInput)
            : { msg: text },
        );
        return;
      }
      text = this.withService(this.redactor.redactLine(text));
      this.accept(text, lineLevelRank(text), true);
    } catch (err) {
      this.report(
        new CloudSageError('internal_error', 'writeLine() failed; the line was not buffered', { cause: err }),
      );
    }
  }

  /**
   * Buffers the NDJSON lines of `text[from, to)`, as {@link CloudSage.writeLine} would one by one, for
   * a chunk of many lines (what pino's thread-stream hands its transport): consecutive JSON lines are
   * redacted in one pass and buffered as one entry, with every bound, drop and count still per record.
   * With `backpressure`, stops before the first line that does not fit in the buffer and answers where
   * it starts (wait with {@link CloudSage.whenRoom}, then call again from there); otherwise answers
   * `to`. A last line without its newline is taken as a line. Never throws.
   *
   * @example
   * client.writeLines('{"level":30,"msg":"a"}\n{"level":40,"msg":"b"}\n');
   */
  writeLines(text: string, from = 0, to = typeof text === 'string' ? text.length : 0, backpressure = false): number {
    try {
      if (this.shutdownPromise || typeof text !== 'string') return to;
      return writeRuns(text, Math.max(0, from), Math.min(to, text.length), this.runTarget, backpressure);
    } catch (err) {
      this.report(
        new CloudSageError('internal_error', 'writeLines() failed; some lines were not buffered', { cause: err }),
      );
      return to;
    }
  }

  /**
   * One run from {@link writeLines}: buffered as it is when the patterns change none of its lines,
   * else line by line through `writeLine`, so the output is exactly that of one call per line.
   */
  private acceptRun(run: string, records: number, high: boolean): void {
    const redacted = this.redactor.redactRun(run);
    if (redacted === undefined) {
      for (const line of run.split('\n')) this.writeLine(line);
      return;
    }
    let out = redacted;
    if (this.servicePrefix !== undefined)
      out = run
        .split('\n')
        .map((line) => this.withService(line))
        .join('\n');
    this.shipper.enqueueRun(out, records, high);
  }

  /**
   * The line with `service` added first, when the option is set, so a record's own top-level
   * `service` (later in the line) wins when parsed: JSON.parse keeps the last of two equal keys, as
   * `{ service, ...rec }` does on objects.
   */
  private withService(text: string): string {
    if (this.servicePrefix === undefined || text.charCodeAt(0) !== 123) return text;
    const rest = text.slice(1);
    return `${this.servicePrefix}${rest.trimStart().startsWith('}') ? `}` : `,${rest}`}`;
  }

  /**
   * Whether a record of about `chars` characters would be buffered now without a drop. Adapters ask
   * before handing a record on and wait with {@link CloudSage.whenRoom} when the answer is no
   * (backpressure). While the backend settles nothing (a `whenRoom` gave up) it answers `true`: logging
   * goes on and the drop policy decides. O(1); never throws.
   *
   * @example
   * if (!client.hasRoom(line.length)) await client.whenRoom();
   * client.writeLine(line);
   */
  hasRoom(chars = 0): boolean {
    return this.shipper.hasRoom(chars);
  }

  /**
   * Resolves `true` once a record of about `chars` characters (default 0) fits in the buffer again,
   * checked each time records leave for a batch and each time a send settles (never by polling); a
   * partial batch is sent at once. Resolves `false` when no send settles for `stallMs` (default 5 s: an
   * outage holds logging that long at most) or the client shuts down. Never rejects.
   *
   * @example
   * if (!client.hasRoom(line.length)) await client.whenRoom({ chars: line.length, stallMs: 5000 });
   */
  whenRoom(options: { chars?: number; stallMs?: number } = {}): Promise<boolean> {
    return this.shipper.whenRoom(options.chars ?? 0, options.stallMs ?? DEFAULT_STALL_MS);
  }

  /** Redacts (unless already done), enforces the per-record limit and buffers. */
  private accept(line: string, rank: number, redacted = false): void {
    let out = redacted ? line : this.redactor.redactLine(line);
    if (oversizeBytes(out, this.options.maxRecordBytes) > 0) {
      const cut = truncateLine(out, this.options.maxRecordBytes);
      if (cut === undefined) {
        this.shipper.drop('oversize', 1, `a record could not be cut to ${this.options.maxRecordBytes} bytes`);
        return;
      }
      out = cut;
    }
    this.shipper.enqueue(out, rank);
  }

  /** @example client.trace('cache probe', { key }); */
  trace(msg: string, fields?: LogInput): void {
    this.log(fields ? { ...fields, level: 'trace', msg } : { level: 'trace', msg });
  }
  /** @example client.debug('cache miss', { key }); */
  debug(msg: string, fields?: LogInput): void {
    this.log(fields ? { ...fields, level: 'debug', msg } : { level: 'debug', msg });
  }
  /** @example client.info('request done', { status: 200, ms: 12 }); */
  info(msg: string, fields?: LogInput): void {
    this.log(fields ? { ...fields, level: 'info', msg } : { level: 'info', msg });
  }
  /** @example client.warn('slow query', { ms: 1200 }); */
  warn(msg: string, fields?: LogInput): void {
    this.log(fields ? { ...fields, level: 'warn', msg } : { level: 'warn', msg });
  }
  /** @example client.error('payment failed', { err }); */
  error(msg: string, fields?: LogInput): void {
    this.log(fields ? { ...fields, level: 'error', msg } : { level: 'error', msg });
  }
  /** @example client.fatal('out of memory'); */
  fatal(msg: string, fields?: LogInput): void {
    this.log(fields ? { ...fields, level: 'fatal', msg } : { level: 'fatal', msg });
  }

  /**
   * Sends everything logged before the call. Resolves by the deadline with the records settled during
   * the call; concurrent callers share one drain. Never rejects.
   *
   * @example
   * const { sent, dropped, pending } = await client.flush({ timeoutMs: 2000 });
   */
  async flush(options: FlushOptions = {}): Promise<FlushResult> {
    try {
      return await this.shipper.flush(this.deadline(options));
    } catch {
      return { sent: 0, dropped: 0, pending: this.shipper.stats().buffered };
    }
  }

  /**
   * Flushes within the deadline, then stops: requests in flight are aborted, the connection pool closed
   * and the exit hooks removed. Later `log()` calls are ignored. Runs once; every caller gets the same result.
   *
   * @example
   * process.on('SIGTERM', async () => { await client.shutdown({ timeoutMs: 3000 }); process.exit(0); });
   */
  shutdown(options: FlushOptions = {}): Promise<FlushResult> {
    this.shutdownPromise ??= (async () => {
      const result = await this.flush({ timeoutMs: this.deadline(options) });
      this.shipper.spill();
      this.removeHardExit?.();
      this.unregisterExit?.();
      this.closing.abort();
      await this.shipper.stop();
      this.notices.flush();
      return result;
    })().catch(() => ({ sent: 0, dropped: 0, pending: 0 }));
    return this.shutdownPromise;
  }

  /**
   * Counters since the client was created.
   *
   * @example
   * const { sent, dropped, buffered } = client.stats();
   */
  stats(): ClientStats {
    return this.shipper.stats();
  }

  /**
   * Today's forecast for a project (default: `projectId`, else the API key's project).
   *
   * @example
   * const { text, actions, predicted } = await client.getForecast();
   */
  getForecast(projectId?: string): Promise<Forecast> {
    return this.readApi.getForecast(projectId);
  }

  /**
   * The risk history, oldest first.
   *
   * @example
   * const points = await client.getRiskHistory({ days: 7 });
   */
  getRiskHistory(options?: RiskHistoryOptions): Promise<RiskHistory> {
    return this.readApi.getRiskHistory(options);
  }

  /**
   * The projects this credential can see (a read key sees its one project).
   *
   * @example
   * const projects = await client.listProjects();
   */
  listProjects(): Promise<Project[]> {
    return this.readApi.listProjects();
  }

  /**
   * Says whether a forecast was accurate.
   *
   * @example
   * await client.sendFeedback({ forecastId: forecast.id, accurate: false, comment: 'no incident came' });
   */
  sendFeedback(input: SendFeedbackInput): Promise<Feedback> {
    return this.readApi.sendFeedback(input);
  }

  private deadline(options: FlushOptions): number {
    const t = options?.timeoutMs;
    return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : this.options.flushTimeoutMs;
  }

  private report(error: CloudSageError): void {
    this.notices.notify(error, 1);
  }
}
