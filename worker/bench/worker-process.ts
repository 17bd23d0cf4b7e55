/**
 * The built worker in a process of its own, as the benches measure it: a free port, the bench's API
 * key, a wait until `/readyz` answers, and one `/score` request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Agent, type OutgoingHttpHeaders, request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Bearer key the bench worker accepts. */
export const BENCH_KEY = 'bench-key-0123456789abcdef';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A port nothing listens on now (asked of the OS, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `dist/server.js` on `port` and resolves once it is ready; throws after 10 s. */
export async function startWorker(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_WORKER_ARGS?.split(' ').filter(Boolean) ?? []), join(root, 'dist/server.js')],
    {
      env: { ...process.env, WORKER_API_KEY: BENCH_KEY, WORKER_PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('worker did not become ready (run `pnpm --dir worker build` first)');
}

/**
 * POSTs one body to the bench worker's `/score` over `agent` and resolves with the milliseconds it
 * took; anything but 200 rejects with the status and the answer.
 */
export function postScore(agent: Agent, port: number, bytes: Buffer, headers: OutgoingHttpHeaders): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: '/score',
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${BENCH_KEY}`, 'content-length': bytes.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}: ${Buffer.concat(chunks)}`));
          else resolve(performance.now() - started);
        });
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}
