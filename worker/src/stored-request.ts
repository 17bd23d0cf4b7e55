/**
 * Reads `POST /score` in the stored form (`application/x-ndjson`, gzip or identity): the first line is
 * the request without `logs` (`{ projectId, metadata }`), every later line one record as batch objects
 * store it. The body is validated while it is read: each chunk is inflated (in zlib's thread pool),
 * cut into lines, and each line parsed and checked as it comes, so a bad line, too many records or a
 * gzip bomb stops the read at once, and memory stays bounded by the limits below. Records are checked
 * by the same fast path as the JSON form (`isValidRecord`, exactly what `LogRecord` accepts), the
 * envelope by the schema, and both by Fastify's prototype-poisoning rule.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { LogRecord, ScoreRequest } from '@cloudsage/schema';
import { WorkerError } from './errors.js';
import { LineSplitter } from './ndjson-lines.js';
import { isValidRecord, parseEnvelope, recordIssues, type ScoreEnvelope } from './parse-request.js';
import { hasForbiddenKey, mayHoldForbiddenKey } from './prototype-poisoning.js';

/** Bounds of one stored-form body. */
export interface StoredFormLimits {
  /** Largest body as sent and, separately, after inflating (the JSON form's `bodyLimit`). */
  maxBodyBytes: number;
  /** Most records; one more stops the read with `too_many_records`. */
  maxRecords: number;
}

/** A request read from the stored form, already validated (the handler tells it from a JSON body by class). */
export class StoredScoreRequest {
  constructor(readonly data: ScoreRequest) {}
}

// zlib hands back at most this much per trip to its thread pool; each trip costs the main thread a
// callback and a fresh buffer, so larger than the 16 KiB default (a 600 KiB window is 3 trips, not 38).
// The line splitter still decodes it 64 KiB at a time.
const INFLATE_CHUNK_BYTES = 256 * 1024;
const FORBIDDEN = 'Object contains forbidden prototype property';

/** Builds the request line by line; throws a WorkerError at the first line it refuses. */
class RequestBuilder {
  #envelope: ScoreEnvelope | undefined;
  readonly #logs: LogRecord[] = [];
  #lines = 0;

  constructor(readonly maxRecords: number) {}

  line(text: string): void {
    const lineNo = ++this.#lines;
    if (lineNo === 1) {
      this.#envelope = this.#readEnvelope(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      return;
    }
    const index = lineNo - 2;
    if (index >= this.maxRecords) {
      throw new WorkerError('too_many_records', `at most ${this.maxRecords} records per request`, {
        maxRecords: this.maxRecords,
      });
    }
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (err) {
      throw invalid(`logs.${index}`, `line ${lineNo} is not JSON (${(err as Error).message})`, lineNo);
    }
    if (!isValidRecord(record)) {
      const issues = recordIssues(record, index);
      throw new WorkerError('invalid_body', `${issues[0]!.path}: ${issues[0]!.message}`, { issues, line: lineNo });
    }
    if (mayHoldForbiddenKey(text) && hasForbiddenKey(record)) throw invalid(`logs.${index}`, FORBIDDEN, lineNo);
    this.#logs.push(record as LogRecord);
  }

  #readEnvelope(text: string): ScoreEnvelope {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw invalid('(envelope)', `line 1 is not JSON (${(err as Error).message})`, 1);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalid('(envelope)', 'line 1 must be the request without logs: { projectId, metadata }', 1);
    }
    if (Object.hasOwn(value, 'logs')) {
      throw invalid('logs', 'the records follow the first line; the envelope carries no logs', 1);
    }
    if (!Object.hasOwn(value, 'metadata') && Object.hasOwn(value, 'msg')) {
      throw invalid('(envelope)', 'line 1 is a record: the first line must be { projectId, metadata }', 1);
    }
    if (mayHoldForbiddenKey(text) && hasForbiddenKey(value)) throw invalid('(envelope)', FORBIDDEN, 1);
    const parsed = parseEnvelope(value);
    if (!parsed.ok) {
      const first = parsed.issues[0]!;
      throw new WorkerError('invalid_body', `${first.path || '(envelope)'}: ${first.message}`, {
        issues: parsed.issues,
        line: 1,
      });
    }
    return parsed.data;
  }

  finish(): ScoreRequest {
    if (this.#envelope === undefined) {
      throw invalid('(envelope)', 'the body is empty: its first line must be { projectId, metadata }', 1);
    }
    return { ...this.#envelope, logs: this.#logs };
  }
}

/** A refusal naming the path and, when it is one line's fault, the line (1-based; 1 is the envelope). */
function invalid(path: string, message: string, line?: number): WorkerError {
  const issues = [{ path, message }];
  return new WorkerError('invalid_body', `${path}: ${message}`, line === undefined ? { issues } : { issues, line });
}

function tooLarge(what: string, limits: StoredFormLimits): WorkerError {
  return new WorkerError('payload_too_large', `the body ${what} past WORKER_MAX_BODY_BYTES (${limits.maxBodyBytes})`, {
    maxBodyBytes: limits.maxBodyBytes,
  });
}

/**
 * Reads and validates a stored-form body from `payload`; `headers` are the request's (its
 * `Content-Encoding`, gzip or identity when absent, and `Content-Length`). Rejects with a WorkerError: `invalid_body` (a line
 * that is not JSON or not a record, a bad envelope, bad gzip), `payload_too_large` (the body, sent or
 * inflated, over `maxBodyBytes`), `too_many_records`, `unsupported_media_type` (another encoding).
 *
 * @example
 * const { data } = await readStoredRequest(req.raw, req.headers, { maxBodyBytes, maxRecords });
 */
export function readStoredRequest(
  payload: Readable,
  headers: IncomingHttpHeaders,
  limits: StoredFormLimits,
): Promise<StoredScoreRequest> {
  const coding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== 'identity' && coding !== '') {
    return Promise.reject(
      new WorkerError('unsupported_media_type', `Content-Encoding ${coding} is not supported; send gzip or identity`),
    );
  }
  return new Promise((resolve, reject) => {
    const builder = new RequestBuilder(limits.maxRecords);
    const splitter = new LineSplitter((line) => builder.line(line));
    const gunzip: Gunzip | undefined =
      coding === 'identity' || coding === '' ? undefined : createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
    let sent = 0;
    let inflated = 0;
    let settled = false;

    const stop = (err: unknown) => {
      if (settled) return;
      settled = true;
      payload.off('data', onData).off('end', onEnd).off('error', stop).off('close', onClose);
      gunzip?.off('data', onText).off('end', onDone).off('error', onBadGzip).off('drain', onDrain);
      gunzip?.destroy();
      // Fastify answers a parser error with `Connection: close`, so the rest of the body is not read.
      reject(err instanceof WorkerError ? err : new WorkerError('invalid_body', (err as Error).message));
    };
    const onText = (chunk: Buffer) => {
      inflated += chunk.length;
      if (inflated > limits.maxBodyBytes) return stop(tooLarge('inflates', limits));
      try {
        splitter.write(chunk);
      } catch (err) {
        stop(err);
      }
    };
    const onDone = () => {
      if (settled) return;
      try {
        splitter.end();
        // Node refuses bytes after the last gzip member; this keeps that so if it ever changes.
        if (gunzip && gunzip.bytesWritten !== sent) throw invalid('(body)', 'bytes after the last gzip member');
        const data = builder.finish();
        settled = true;
        resolve(new StoredScoreRequest(data));
      } catch (err) {
        stop(err);
      }
    };
    const onBadGzip = (err: Error) => stop(invalid('(body)', `not valid gzip (${err.message})`));
    const onDrain = () => payload.resume();
    const onData = (chunk: Buffer) => {
      sent += chunk.length;
      if (sent > limits.maxBodyBytes) return stop(tooLarge('is', limits));
      if (!gunzip) return onText(chunk);
      if (!gunzip.write(chunk)) payload.pause();
    };
    const onEnd = () => (gunzip ? gunzip.end() : onDone());
    const onClose = () => {
      if (!payload.readableEnded) stop(new WorkerError('invalid_body', 'the request ended before its body'));
    };

    if (Number(headers['content-length']) > limits.maxBodyBytes) return stop(tooLarge('is', limits));
    gunzip?.on('data', onText).on('end', onDone).on('error', onBadGzip).on('drain', onDrain);
    payload.on('data', onData).on('end', onEnd).on('error', stop).on('close', onClose);
    payload.resume();
  });
}
