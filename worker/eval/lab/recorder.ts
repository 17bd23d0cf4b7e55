/**
 * A tiny stand-in for CloudSage's `POST /api/ingest`, as far as the shippers need it: it decodes gzip or
 * identity bodies holding a JSON array, a `{ logs: [...] }` envelope, one JSON object or NDJSON, answers
 * 202 with the backend's `IngestResponse` shape, and appends `{ at, record }` lines to a gzipped NDJSON
 * file (flushed every second, so a recording cut short still reads up to its last flush).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip, createGzip, constants as zlib } from 'node:zlib';
import { INGEST_PATH } from '@cloudsage/schema';

/** Splits a decoded ingest body into records the way the backend's decoders do. */
export function decodeRecords(text: string, contentType: string | undefined): unknown[] {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (type !== 'application/x-ndjson' && type !== 'text/plain') {
    try {
      const body = JSON.parse(trimmed) as unknown;
      if (Array.isArray(body)) return body;
      if (body && typeof body === 'object' && Array.isArray((body as { logs?: unknown }).logs)) {
        return (body as { logs: unknown[] }).logs;
      }
      return [body];
    } catch {
      // not one JSON document: fall through to lines
    }
  }
  return trimmed
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        return l;
      }
    });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const enc = (req.headers['content-encoding'] ?? '').toLowerCase();
  const source = enc === 'gzip' ? req.pipe(createGunzip()) : req;
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The recorder: an HTTP server writing every received record to `file`. */
export class Recorder {
  records = 0;
  batches = 0;
  readonly #out;
  readonly #gz = createGzip({ level: 9 });
  #server: Server | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Called with each record as it is stored (the lab's live view). */
  onRecord: ((record: unknown, at: number) => void) | undefined;

  constructor(readonly file: string) {
    this.#out = createWriteStream(file);
    this.#gz.pipe(this.#out);
  }

  /** Listens on 127.0.0.1 (port 0 = any free port); resolves to the endpoint origin. */
  async start(port = 0): Promise<string> {
    this.#server = createServer((req, res) => {
      if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== INGEST_PATH) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
        return;
      }
      readBody(req).then(
        (text) => {
          const at = Date.now();
          const records = decodeRecords(text, req.headers['content-type']);
          this.#write(at, records);
          const body = { batchId: `b_${randomUUID()}`, accepted: records.length, rejected: 0, errors: [] };
          res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        },
        () => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad_body"}'),
      );
    });
    this.#flushTimer = setInterval(() => this.#gz.flush(zlib.Z_SYNC_FLUSH), 1000);
    await new Promise<void>((r) => this.#server!.listen(port, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  #write(at: number, records: unknown[]): void {
    if (this.#closed) return; // a batch that arrives while the lab shuts down
    this.batches++;
    let lines = '';
    for (const record of records) {
      lines += `${JSON.stringify({ at, record })}\n`;
      this.records++;
      this.onRecord?.(record, at);
    }
    if (lines) this.#gz.write(lines);
  }

  /** Stops listening and finishes the gzip file. */
  async stop(): Promise<void> {
    clearInterval(this.#flushTimer);
    this.#closed = true;
    if (this.#server) {
      this.#server.closeAllConnections();
      await new Promise<void>((r) => this.#server!.close(() => r()));
    }
    await new Promise<void>((r) => {
      this.#out.once('close', () => r());
      this.#gz.end();
    });
  }
}
