import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One ingest request as the sink saw it. */
export interface SinkBatch {
  key: string;
  lines: string[];
  /** Whether the key was new (a replayed key is answered with the first 202 and not counted again). */
  fresh: boolean;
}

/** Sink settings. */
export interface SinkOptions {
  /** Answer 401 unless the request carries this Bearer key. */
  apiKey?: string;
  /** Called for each fresh batch before answering; return 'hold' to keep the request open. */
  onBatch?: (batch: SinkBatch, index: number) => 'answer' | 'hold';
  /** Answer each batch this much later (a slow backend). */
  delayMs?: number;
}

/**
 * A counting NDJSON/gzip ingest sink on a real socket: records every batch with its Idempotency-Key and
 * counts a key once, like the backend; can go down (connection refused) and come back on the same port.
 */
export class CountingSink {
  readonly batches: SinkBatch[] = [];
  readonly held: ServerResponse[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly keys = new Map<string, number>();
  port = 0;

  constructor(private readonly options: SinkOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Every line of every batch, duplicates included. */
  get allLines(): string[] {
    return this.batches.flatMap((b) => b.lines);
  }

  /** Lines of batches with a fresh key: what the backend would have stored. */
  get storedLines(): string[] {
    return this.batches.filter((b) => b.fresh).flatMap((b) => b.lines);
  }

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.options.apiKey && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'bad key' } }));
          return;
        }
        const raw = Buffer.concat(chunks);
        const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString();
        const lines = text.split('\n').filter((l) => l !== '');
        const key = String(req.headers['idempotency-key'] ?? '');
        const fresh = !this.keys.has(key);
        if (fresh) this.keys.set(key, lines.length);
        const batch = { key, lines, fresh };
        this.batches.push(batch);
        const action = this.options.onBatch?.(batch, this.batches.length - 1) ?? 'answer';
        if (action === 'hold') {
          this.held.push(res);
          return;
        }
        const answer = () => {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ batchId: key, accepted: this.keys.get(key), rejected: 0, errors: [] }));
        };
        if (this.options.delayMs) setTimeout(answer, this.options.delayMs);
        else answer();
      });
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every connection (the backend is down). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Resolves once `predicate` holds, checking on the event loop and every 10 ms after: it waits for I/O
 * from child processes, it is not a sleep standing in for time.
 */
export async function eventually(
  predicate: () => boolean,
  what: string,
  maxMs = 20_000,
  refresh?: () => Promise<void>,
): Promise<void> {
  const start = performance.now();
  for (;;) {
    await refresh?.();
    if (predicate()) return;
    if (performance.now() - start > maxMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, refresh ? 100 : 10));
  }
}
