// Every promise settles: flush() and shutdown() awaited at the top level of a real process end within
// their deadline, whatever the backend does, and the process then exits 0 by itself (no exit code 13,
// "unsettled top-level await"). After flush() a request still in flight may hold the process until it
// ends (requestTimeoutMs at most); shutdown() cuts it off. Runs the BUILT package in child processes.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type Scripted, startServer } from './helpers/ingest-server.js';

const APP = fileURLToPath(new URL('./fixtures/await-settle.mjs', import.meta.url));
const TIMEOUT_MS = 1500;
const REQUEST_TIMEOUT_MS = 3000;

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

function run(endpoint: string, call: 'flush' | 'shutdown') {
  const started = performance.now();
  const child = spawn(process.execPath, [APP], {
    env: {
      ...process.env,
      ENDPOINT: endpoint,
      CALL: call,
      TIMEOUT_MS: String(TIMEOUT_MS),
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      NODE_NO_WARNINGS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return new Promise<{ code: number | null; exitMs: number; settled?: { result: unknown; ms: number } }>((resolve) =>
    child.on('exit', (code) =>
      resolve({ code, exitMs: performance.now() - started, settled: out.trim() ? JSON.parse(out) : undefined }),
    ),
  );
}

const backends: Array<[string, Scripted | 'closed' | 'up']> = [
  ['nothing listening', 'closed'],
  ['a backend that never answers', { hang: true }],
  ['a backend answering 503', { status: 503 }],
  ['a backend answering 401', { status: 401, body: { error: { code: 'invalid_key', message: 'bad key' } } }],
  ['a backend that takes the batch', 'up'],
];

describe('flush() and shutdown() settle within their deadline', () => {
  for (const call of ['flush', 'shutdown'] as const) {
    for (const [what, answer] of backends) {
      it(`${call}() with ${what}: resolves by its deadline, and the process exits 0 by itself`, {
        timeout: 30_000,
      }, async () => {
        let endpoint: string;
        if (answer === 'closed') endpoint = `http://127.0.0.1:${await closedPort()}`;
        else {
          server = await startServer(answer === 'up' ? undefined : () => answer);
          endpoint = server.url;
        }
        const { code, exitMs, settled } = await run(endpoint, call);
        expect(code).toBe(0);
        if (answer === 'up') expect(settled?.result).toEqual({ sent: 10, dropped: 0, pending: 0 });
        else expect(settled?.result).toEqual({ sent: 0, dropped: 0, pending: 10 });
        // Measured inside the process, so a slow start on a busy machine does not count.
        expect(settled!.ms).toBeLessThan(TIMEOUT_MS + 500);
        // Never the 10 minutes a batch may be retried for: a process start, and a request's deadline.
        expect(exitMs).toBeLessThan(REQUEST_TIMEOUT_MS + 10_000);
      });
    }
  }
});
