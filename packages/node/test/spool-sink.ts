import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * A real local ingest sink that dedupes nothing: every batch it is sent is counted, so a record
 * delivered twice shows up twice. It can listen on a port chosen before it starts, so an app can
 * be pointed at it while it is still down.
 */
export class CountingSink {
  readonly records: Array<Record<string, unknown>> = [];
  readonly keys: string[] = [];
  private server: Server | undefined;

  /** Reserves a free port (listens, then closes): connections to it are refused until {@link start}. */
  static async freePort(): Promise<number> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const { port } = s.address() as AddressInfo;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  }

  async start(port: number): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString();
        const lines = text.split('\n').filter((l) => l !== '');
        for (const l of lines) this.records.push(JSON.parse(l) as Record<string, unknown>);
        this.keys.push(String(req.headers['idempotency-key']));
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ batchId: `b${this.keys.length}`, accepted: lines.length, rejected: 0, errors: [] }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
  }

  /** The `i` field of every record received, in arrival order. */
  get ids(): number[] {
    return this.records.map((r) => r.i as number);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
