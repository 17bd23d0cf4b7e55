import {
  DROPPED_HEADER,
  formatDroppedHeader,
  IDEMPOTENCY_KEY_HEADER,
  INGEST_PATH,
  IngestResponse,
  PROJECT_HEADER,
} from '@cloudsage/schema';
import type { Batch } from './batch.js';
import { type HttpClient, RequestTimeoutError, withTimeout } from './http.js';
import { isRetryableStatus, parseRetryAfter } from './retry-policy.js';

/**
 * How one attempt to send a batch ended. Background paths return this, never throw (STYLE habit 5).
 *
 * - `sent`: the backend took the batch (2xx); `response` when its body parsed.
 * - `retryable`: worth another try (network error, 408, 429, 5xx); `retryAfterMs` from `Retry-After`.
 * - `too_large`: 413; the caller splits the batch in halves.
 * - `failed`: retrying cannot help (400, 401, 403, 404, ..., or the client is shutting down).
 */
export type SendResult =
  | { kind: 'sent'; status: number; response?: IngestResponse }
  | { kind: 'retryable'; status?: number; retryAfterMs?: number; message: string }
  | { kind: 'too_large'; status: 413; message: string }
  | { kind: 'failed'; status?: number; serverCode?: string; message: string };

/**
 * The sender seam: takes one batch, returns a {@link SendResult}. {@link createIngestSender} is the
 * default; {@link InMemorySender} implements it for tests, and the agent wraps it to track
 * acknowledgements. ("Transport" names the logger adapters: pino's, winston's.)
 *
 * @example
 * const sender: Sender = { send: async (batch) => ({ kind: 'sent', status: 202 }) };
 * new CloudSage({ sender });
 */
export interface Sender {
  send(batch: Batch, options: { signal: AbortSignal }): Promise<SendResult>;
  close?(): Promise<void>;
}

/**
 * The sender seam's former name.
 * @deprecated Use {@link Sender}; "transport" now names only the logger adapters.
 */
export type Transport = Sender;

/** What the ingest sender needs to know. */
export interface IngestSenderOptions {
  /** Where requests go: `createUndiciHttp`, `createNodeHttp` or `createFetchHttp` over the endpoint. */
  http: HttpClient;
  apiKey: string;
  projectId?: string | undefined;
  /** One attempt's deadline, from the request's start to the answer's last byte. */
  requestTimeoutMs: number;
  /** The clock `Retry-After` dates are read against (default `Date.now`). */
  now?: () => number;
  /** gzip level of the body (default zlib's 6; the agent takes 1, see its sender). */
  gzipLevel?: number;
}

function errorMessage(body: string, status: number): { message: string; serverCode?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof parsed.error?.code === 'string' ? parsed.error.code : undefined;
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : `HTTP ${status}`;
    return code === undefined ? { message } : { message, serverCode: code };
  } catch {
    return { message: `HTTP ${status}` };
  }
}

/**
 * The one ingest request: sends a batch as gzip NDJSON to `POST /api/ingest` with the key, project,
 * idempotency key and drop counts in the headers, within `requestTimeoutMs`, and classifies the answer.
 * The client sends through it, and so does the agent (over `createNodeHttp`).
 *
 * @example
 * const http = createNodeHttp('http://127.0.0.1:3001');
 * const sender = createIngestSender({ http, apiKey: 'csk_...', requestTimeoutMs: 30_000 });
 * const result = await sender.send(batch, { signal });
 */
export function createIngestSender(options: IngestSenderOptions): Sender {
  const { http, apiKey, projectId, requestTimeoutMs, gzipLevel } = options;
  const now = options.now ?? Date.now;
  return {
    async send(batch, { signal }) {
      const headers: Record<string, string> = {
        'content-type': 'application/x-ndjson',
        'content-encoding': 'gzip',
        authorization: `Bearer ${apiKey}`,
        [IDEMPOTENCY_KEY_HEADER]: batch.idempotencyKey,
      };
      if (projectId) headers[PROJECT_HEADER] = projectId;
      const dropped = formatDroppedHeader(batch.dropped);
      if (dropped) headers[DROPPED_HEADER] = dropped;
      try {
        const body = await batch.body(gzipLevel);
        const res = await withTimeout(requestTimeoutMs, signal, (s) =>
          http.request({ method: 'POST', path: INGEST_PATH, headers, body, signal: s }),
        );
        if (res.status >= 200 && res.status < 300) {
          let response: IngestResponse | undefined;
          try {
            const parsed = IngestResponse.safeParse(JSON.parse(res.body));
            if (parsed.success) response = parsed.data;
          } catch {
            response = undefined;
          }
          return response ? { kind: 'sent', status: res.status, response } : { kind: 'sent', status: res.status };
        }
        const { message, serverCode } = errorMessage(res.body, res.status);
        if (res.status === 413) return { kind: 'too_large', status: 413, message };
        if (isRetryableStatus(res.status)) {
          const retryAfterMs = parseRetryAfter(res.header('retry-after'), now());
          return retryAfterMs === undefined
            ? { kind: 'retryable', status: res.status, message }
            : { kind: 'retryable', status: res.status, retryAfterMs, message };
        }
        return serverCode === undefined
          ? { kind: 'failed', status: res.status, message }
          : { kind: 'failed', status: res.status, serverCode, message };
      } catch (err) {
        if (signal.aborted) return { kind: 'failed', message: 'client shut down before the batch was sent' };
        const message = err instanceof RequestTimeoutError ? err.message : `network error: ${describe(err)}`;
        return { kind: 'retryable', message };
      }
    },
    close: () => http.close(),
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code;
    return code ? `${err.message} (${String(code)})` : err.message;
  }
  return String(err);
}
