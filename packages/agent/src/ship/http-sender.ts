import { type Batch, isRetryableStatus, parseRetryAfter, type SendResult, type Transport } from '@cloudsage/node';
import { formatDroppedHeader } from '@cloudsage/schema';

/** Where and how the agent posts batches. */
export interface IngestSenderOptions {
  endpoint: string;
  apiKey: string;
  projectId?: string | undefined;
  requestTimeoutMs?: number;
}

function errorMessage(body: string, status: number): { message: string; serverCode?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : `HTTP ${status}`;
    return typeof parsed.error?.code === 'string' ? { message, serverCode: parsed.error.code } : { message };
  } catch {
    return { message: `HTTP ${status}` };
  }
}

/**
 * The agent's ingest sender: gzip NDJSON to `${endpoint}/api/ingest` with the batch's Idempotency-Key,
 * answered as a `SendResult` the client's retry loop understands. The agent needs its own so that it
 * sits under the acknowledgement tracker (the client's sender is internal to `@cloudsage/node`).
 *
 * @example
 * const sender = createIngestSender({ endpoint: 'http://127.0.0.1:3001', apiKey: 'csk_...' });
 */
export function createIngestSender(options: IngestSenderOptions): Transport {
  const url = `${options.endpoint}/api/ingest`;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  return {
    async send(batch: Batch, { signal }): Promise<SendResult> {
      const headers: Record<string, string> = {
        'content-type': 'application/x-ndjson',
        'content-encoding': 'gzip',
        authorization: `Bearer ${options.apiKey}`,
        'idempotency-key': batch.idempotencyKey,
      };
      if (options.projectId) headers['x-cloudsage-project'] = options.projectId;
      const dropped = formatDroppedHeader(batch.dropped);
      if (dropped) headers['x-cloudsage-dropped'] = dropped;
      try {
        const body = await batch.body();
        const res = await fetch(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
        const text = await res.text();
        if (res.ok) return { kind: 'sent', status: res.status };
        const { message, serverCode } = errorMessage(text, res.status);
        if (res.status === 413) return { kind: 'too_large', status: 413, message };
        if (isRetryableStatus(res.status)) {
          const retryAfterMs = parseRetryAfter(res.headers.get('retry-after') ?? undefined, Date.now());
          return retryAfterMs === undefined
            ? { kind: 'retryable', status: res.status, message }
            : { kind: 'retryable', status: res.status, retryAfterMs, message };
        }
        return serverCode === undefined
          ? { kind: 'failed', status: res.status, message }
          : { kind: 'failed', status: res.status, serverCode, message };
      } catch (err) {
        if (signal.aborted) return { kind: 'failed', message: 'the agent is shutting down' };
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        return { kind: 'retryable', message: `network error: ${(err as Error).message}${cause ? ` (${cause})` : ''}` };
      }
    },
  };
}
