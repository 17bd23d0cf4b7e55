import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScoreRequest } from '@cloudsage/schema';

/** How the stand-in worker answers: properly, or in one of the ways a real one fails. */
export type WorkerMode = 'ok' | 'slow' | 'error500' | 'garbage' | 'bad-shape' | 'reject400';

/**
 * A stand-in for the scoring worker over a real socket, for the dispatcher's fault tests: it
 * scores by counting error lines (so tests can check which records arrived) and records calls.
 */
export class FakeWorker {
  mode: WorkerMode = 'ok';
  slowMs = 2_000;
  readonly calls: ScoreRequest[] = [];
  #server: Server | undefined;
  #port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(port = 0): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ScoreRequest;
        this.calls.push(body);
        const answer = () => {
          if (this.mode === 'error500') return res.writeHead(500).end('{"error":"boom"}');
          if (this.mode === 'reject400') return res.writeHead(400).end('{"error":{"code":"invalid_body"}}');
          if (this.mode === 'garbage') return res.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
          if (this.mode === 'bad-shape') return res.writeHead(200).end('{"score":"high"}');
          const errors = body.logs.filter((l) => l.level === 'error' || l.level === 'fatal').length;
          const score = Math.min(100, errors);
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              score,
              labels: score > 30 ? ['High Error Rate'] : [],
              timestamp: body.metadata.window.to,
              signals: { errors, records: body.logs.length },
              explanations: [],
              baseline: {
                version: 1,
                updatedAt: body.metadata.window.to,
                windows: (body.metadata.baseline?.windows ?? 0) + 1,
                signals: {},
                templates: [],
              },
            }),
          );
        };
        if (this.mode === 'slow') setTimeout(answer, this.slowMs).unref();
        else answer();
      });
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
  }

  /** Stops listening (connections are refused, as when the worker is down); restart with `start(samePort)`. */
  async stop(): Promise<void> {
    const s = this.#server;
    this.#server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get port(): number {
    return this.#port;
  }
}
